/**
 * Builds the Family Hub API as a ready, non-listening Fastify instance. No side effects at
 * import; `server.ts` is the only entry that listens and starts the scheduler.
 */
import { createServer } from 'node:http';
import Fastify, { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import type { DestinationStream } from 'pino';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import { loggerOptions } from './lib/logger.js';
import accountsModule from './modules/accounts/plugin.js';
import calendarModule from './modules/calendar/plugin.js';
import feedModule, { type FeedModuleOptions } from './modules/feed/plugin.js';
import notificationsModule, { type NotificationsModuleOptions } from './modules/notifications/plugin.js';
import operationsModule from './modules/operations/plugin.js';
import pickupsModule, { type PickupsModuleOptions } from './modules/pickups/plugin.js';
import subscriptionsModule, { type SubscriptionsModuleOptions } from './modules/subscriptions/plugin.js';
import tempusModule, { type TempusModuleOptions } from './modules/tempus/plugin.js';
import databasePlugin from './plugins/database.js';
import docs from './plugins/docs.js';
import errorHandler from './plugins/error-handler.js';
import eventStreams from './plugins/event-streams.js';
import limits from './plugins/limits.js';
import metrics from './plugins/metrics.js';
import scheduler from './plugins/scheduler.js';
import security from './plugins/security.js';

/**
 * One access-log line per request, written when it completes and naming the request,
 * instead of Fastify's two: half the logging cost on the hottest routes, the same facts.
 */
class AccessLog extends LogController {
  override incomingRequest() {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply) {
    if (error) return super.requestCompleted(error, request, reply);
    reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}

/** Sockets one instance holds at most (each is a file descriptor; event streams are capped lower). */
const MAX_CONNECTIONS = 10_000;
const HEADERS_TIMEOUT_MS = 15_000;

export interface BuildOptions {
  /** An already open (and migrated) database, e.g. a test's; otherwise one is opened from config. */
  database?: Database;
  /** Where log lines go instead of stdout (tests capture and search them). */
  logStream?: DestinationStream;
  logLevel?: string;
  /** Run the scheduled jobs on their cron schedules (server.ts does; tests run a job by name when they ask). */
  startScheduler?: boolean;
  tempus?: TempusModuleOptions;
  subscriptions?: SubscriptionsModuleOptions;
  feed?: FeedModuleOptions;
  pickups?: PickupsModuleOptions;
  notifications?: NotificationsModuleOptions;
}

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: {
      ...loggerOptions(options.logLevel ?? config.logLevel, config.prettyLogs && !options.logStream),
      ...(options.logStream && { stream: options.logStream }),
    },
    trustProxy: config.http.trustProxy,
    bodyLimit: 256 * 1024,
    // A request must arrive whole within its timeout (a slow-body client cannot hold a
    // socket for ever), checked every second; an event stream is a response, so it is not
    // cut by it. Headers must come quickly, and one instance holds a bounded number of sockets.
    serverFactory: (handler) => {
      const server = createServer(
        {
          requestTimeout: config.http.requestTimeoutMs,
          headersTimeout: Math.min(HEADERS_TIMEOUT_MS, config.http.requestTimeoutMs),
          connectionsCheckingInterval: 1_000,
        },
        handler,
      );
      server.maxConnections = MAX_CONNECTIONS;
      return server;
    },
    genReqId: () => crypto.randomUUID(),
    requestIdHeader: false,
    logController: new AccessLog(),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await app.register(errorHandler);
  await app.register(databasePlugin, {
    url: config.database.url,
    pgliteDir: config.database.pgliteDir,
    database: options.database,
    migrate: !options.database,
  });
  await app.register(metrics);
  await app.register(docs);
  await app.register(security, { webOrigin: config.http.webOrigin });
  await app.register(scheduler, { start: options.startScheduler ?? false });
  await app.register(limits);

  await app.register(accountsModule, {
    sessionSecret: config.session.secret,
    sessionTtlMs: config.session.ttlMs,
    adminToken: config.adminToken,
    signupsPerVisitorPerHour: config.signupsPerVisitorPerHour,
  });
  await app.register(operationsModule, { public: config.metricsAndDocsPublic });
  await app.register(eventStreams, { limits: config.http.eventStreams });
  await app.register(calendarModule, config.calendar);
  await app.register(pickupsModule, { ...options.pickups });
  await app.register(notificationsModule, { config, ...options.notifications });
  // The syncing modules hand what each sync changed to the notifications, after its commit.
  const afterSync = app.notifications.service.afterSync;
  await app.register(tempusModule, { config, afterSync, ...options.tempus });
  await app.register(subscriptionsModule, { config, afterSync, ...options.subscriptions });
  await app.register(feedModule, { config, ...options.feed });

  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
