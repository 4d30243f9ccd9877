/**
 * The subscriptions module: builds the guarded fetcher, the sync engine and runner, the
 * service and its metrics, registers the routes and the scheduled jobs. Without an
 * encryption key (see config `calendarSync.enabled`) nothing of it exists.
 */
import { randomUUID } from 'node:crypto';
import fp from 'fastify-plugin';
import { Counter, Histogram } from 'prom-client';
import type { Config } from '../../config.js';
import { createTokenCipher } from '../../lib/token-cipher.js';
import type { AfterSync } from '../calendar/synced-changes.js';
import { syncedEvents } from '../calendar/synced-events.js';
import { createFeedFetcher, type Resolver, type Router } from './feed-fetcher.js';
import { subscriptionRoutes } from './routes.js';
import { createSubscriptionsService, type SubscriptionsService } from './service.js';
import { createSyncEngine } from './sync-engine.js';
import { createSyncRunner } from './sync-runner.js';

const MANUAL_SYNCS_PER_MINUTE = 5;
const NEW_SUBSCRIPTIONS_PER_MINUTE = 10;
const SYNC_CONCURRENCY = 4;

declare module 'fastify' {
  interface FastifyInstance {
    /** The module's service, for the jobs and for tests that drive a scheduler pass. */
    subscriptions: { service: SubscriptionsService } | null;
  }
}

export interface SubscriptionsModuleOptions {
  clock?: () => Date;
  instanceId?: string;
  /** DNS and socket seams of the fetcher: tests answer for made-up public hosts without any network. */
  resolve?: Resolver;
  route?: Router;
  /** Manual syncs allowed per subscription and minute (tests that sync in loops raise it). */
  manualSyncsPerMinute?: number;
  /** Told what each successful sync changed, after its commit (the notifications module). */
  afterSync?: AfterSync;
}

export default fp<SubscriptionsModuleOptions & { config: Config }>(
  async (app, { config, ...opts }) => {
    const settings = config.calendarSync;
    if (!settings.enabled) {
      app.decorate('subscriptions', null);
      return;
    }
    const clock = opts.clock ?? (() => new Date());
    const log = app.log.child({ module: 'subscriptions' });
    const syncs = new Counter({
      name: 'familyhub_subscription_syncs_total',
      help: 'Finished calendar subscription syncs by status',
      labelNames: ['status'] as const,
      registers: [app.metrics],
    });
    const duration = new Histogram({
      name: 'familyhub_subscription_sync_duration_seconds',
      help: 'Duration of calendar subscription syncs',
      labelNames: ['status'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [app.metrics],
    });

    const fetcher = createFeedFetcher({
      allowPrivateHosts: settings.allowPrivateHosts,
      ...(opts.resolve && { resolve: opts.resolve }),
      ...(opts.route && { route: opts.route }),
    });
    const engine = createSyncEngine({ fetcher, calendar: syncedEvents });
    const cipher = createTokenCipher(config.tempus.encryptionKeys);
    const runner = createSyncRunner({
      db: app.db,
      engine,
      cipher,
      log,
      clock,
      random: Math.random,
      instanceId: opts.instanceId ?? `${process.pid}-${randomUUID()}`,
      config: { syncIntervalMs: settings.syncIntervalMs, concurrency: SYNC_CONCURRENCY },
      ...(opts.afterSync && { afterSync: opts.afterSync }),
      onFinished: ({ status, seconds }) => {
        syncs.inc({ status });
        duration.observe({ status }, seconds);
      },
    });
    const service = createSubscriptionsService({
      db: app.db,
      engine,
      runner,
      cipher,
      calendar: syncedEvents,
      log,
      clock,
      random: Math.random,
      syncIntervalMs: settings.syncIntervalMs,
      manualSyncLimit: app.limit({ name: 'subscription-manual-sync', points: opts.manualSyncsPerMinute ?? MANUAL_SYNCS_PER_MINUTE, windowSeconds: 60 }),
      createLimit: app.limit({ name: 'subscription-create', points: NEW_SUBSCRIPTIONS_PER_MINUTE, windowSeconds: 60 }),
      ...(opts.afterSync && { afterSync: opts.afterSync }),
    });
    app.decorate('subscriptions', { service });

    await app.register(subscriptionRoutes, { service });

    // Due subscriptions every minute (each is due ICS_SYNC_INTERVAL_MINUTES after its last
    // sync, or sooner after a failure by the backoff); history past its retention nightly.
    app.scheduler.add('subscriptions-sync', '* * * * *', async () => ({ synced: await service.runDueSyncs() }), { maxRandomDelayMs: 10_000 });
    app.scheduler.add('subscriptions-history', '40 3 * * *', async () => ({ removed: await service.pruneSyncHistory() }));
    // Closing waits for running syncs: each either commits or rolls back, never half-applies.
    app.addHook('onClose', async () => service.drain());
  },
  { name: 'subscriptions', dependencies: ['database', 'auth', 'metrics', 'scheduler', 'limits'] },
);
