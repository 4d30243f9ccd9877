/**
 * The tempus module: builds the client, rate budget, token cipher, metrics and service
 * with their dependencies, registers the routes and the scheduled jobs. With
 * TEMPUS_ENABLED=false nothing of it exists and its routes answer 404.
 */
import oauth2, { type OAuth2Namespace } from '@fastify/oauth2';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { cronIntervalMs } from '../../plugins/scheduler.js';
import type { AfterSync } from '../calendar/synced-changes.js';
import { syncedEvents } from '../calendar/synced-events.js';
import { createTempusV1Client, type TempusClientOptions } from './client.js';
import { createTempusMetrics } from './metrics.js';
import { createRateBudget } from './rate-budget.js';
import { tempusRoutes } from './routes.js';
import { createTempusService, type TempusService } from './service.js';
import { createTokenCipher } from '../../lib/token-cipher.js';

const MANUAL_SYNCS_PER_MINUTE = 5;
/** The pacer looks for due accounts at least this often, and waits at least this long between passes. */
const PACER_MAX_IDLE_MS = 5_000;
const PACER_MIN_IDLE_MS = 250;

declare module 'fastify' {
  interface FastifyInstance {
    /** The module's service, for the jobs and for tests that drive a scheduler pass. */
    tempus: { service: TempusService } | null;
    tempusOAuth2: OAuth2Namespace;
  }
}

/** The simple-oauth2 client that @fastify/oauth2 exposes at runtime as `.oauth2` but leaves out of its types. */
function simpleOAuth2(namespace: OAuth2Namespace) {
  return (namespace as unknown as { oauth2: { authorizeURL(params: Record<string, string>): string } }).oauth2;
}

export interface TempusModuleOptions {
  clock?: () => Date;
  instanceId?: string;
  retry?: TempusClientOptions['retry'];
  breaker?: TempusClientOptions['breaker'];
  /** Told what each successful sync changed, after its commit (the notifications module). */
  afterSync?: AfterSync;
}

export default fp<TempusModuleOptions & { config: Config }>(
  async (app, { config, ...opts }) => {
    const tempus = config.tempus;
    if (!tempus.enabled) {
      app.decorate('tempus', null);
      return;
    }
    const clock = opts.clock ?? (() => new Date());

    // @fastify/oauth2 (simple-oauth2 underneath) builds the authorization URL; the state
    // and PKCE verifier are kept server-side, bound to the session, by the service.
    await app.register(oauth2, {
      name: 'tempusOAuth2',
      credentials: {
        client: { id: tempus.clientId, secret: tempus.clientSecret },
        auth: { authorizeHost: tempus.authUrl, authorizePath: '/oauth/authorize', tokenHost: tempus.authUrl, tokenPath: '/oauth/token' },
      },
      scope: ['schedules:read', 'profile:read'],
      callbackUri: tempus.redirectUri,
      pkce: 'S256',
    });

    let service: TempusService | undefined;
    const metrics = createTempusMetrics(app.metrics, () => service!);
    const api = createTempusV1Client({
      authUrl: tempus.authUrl,
      apiUrl: tempus.apiUrl,
      clientId: tempus.clientId,
      clientSecret: tempus.clientSecret,
      redirectUri: tempus.redirectUri,
      budget: createRateBudget(app.db, {
        ratePerSecond: tempus.rateLimitRps,
        quotaPerHour: tempus.quotaPerHour,
        interactiveReserve: tempus.interactiveReserve,
      }),
      metrics,
      log: app.log.child({ module: 'tempus-client' }),
      clock,
      ...(opts.retry && { retry: opts.retry }),
      ...(opts.breaker && { breaker: opts.breaker }),
    });
    service = createTempusService({
      db: app.db,
      database: app.database,
      api,
      cipher: createTokenCipher(tempus.encryptionKeys),
      calendar: syncedEvents,
      metrics,
      log: app.log.child({ module: 'tempus' }),
      clock,
      config: {
        windowPastDays: tempus.windowPastDays,
        windowFutureDays: tempus.windowFutureDays,
        minIntervalMs: tempus.syncMinIntervalMs,
        maxIntervalMs: cronIntervalMs(tempus.syncCron),
        concurrency: tempus.syncConcurrency,
      },
      authorizeUrl: ({ state, codeChallenge, scope }) =>
        simpleOAuth2(app.tempusOAuth2).authorizeURL({
          redirect_uri: tempus.redirectUri,
          scope,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        }),
      manualSyncLimit: app.limit({ name: 'tempus-manual-sync', points: MANUAL_SYNCS_PER_MINUTE, windowSeconds: 60 }),
      ...(opts.instanceId && { instanceId: opts.instanceId }),
      ...(opts.afterSync && { afterSync: opts.afterSync }),
    });
    app.decorate('tempus', { service });

    await app.register(tempusRoutes, { service, webOrigin: config.http.webOrigin });

    // The pacer: passes over due accounts (claimed with SKIP LOCKED, so instances share the
    // work), the most urgent first, as fast as the background budget allows; between passes
    // it waits until the next account falls due. Owed revocations every minute; sync
    // history past its retention nightly.
    app.scheduler.addLoop('tempus-sync', async () => {
      await service.runDueSyncs();
      const next = await service.nextDueAt();
      return next ? Math.min(PACER_MAX_IDLE_MS, Math.max(PACER_MIN_IDLE_MS, next.getTime() - clock().getTime())) : PACER_MAX_IDLE_MS;
    });
    app.scheduler.add('tempus-revocations', '* * * * *', async () => ({ sent: await service.processPendingRevocations() }));
    app.scheduler.add('tempus-history', '30 3 * * *', async () => ({ removed: await service.pruneSyncHistory() }));
    // Tokens under a retired key version are rewritten with the current key soon after a key change.
    app.scheduler.add('tempus-keys', '*/5 * * * *', async () => service.reencryptStaleTokens());

    let stopFollowing: (() => Promise<void>) | undefined;
    app.addHook('onReady', async () => {
      stopFollowing = await service.followOtherInstances();
    });
    app.addHook('onClose', async () => stopFollowing?.());
    // Closing waits for running syncs: each either commits or rolls back, never half-applies.
    app.addHook('onClose', async () => service.drain());
  },
  { name: 'tempus', dependencies: ['database', 'auth', 'metrics', 'scheduler', 'limits'] },
);
