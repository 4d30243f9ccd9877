/**
 * The tempus module: wires the client, rate budget, token cipher, metrics, service,
 * routes and (when asked) the scheduler. With TEMPUS_ENABLED=false nothing of it exists
 * and its routes answer 404.
 */
import oauth2, { type OAuth2Namespace } from '@fastify/oauth2';
import fp from 'fastify-plugin';
import type { Config } from '../../config.js';
import { createTempusV1Client, type TempusClientOptions } from './client.js';
import { createTempusMetrics } from './metrics.js';
import { createRateBudget } from './rate-budget.js';
import { tempusRoutes } from './routes.js';
import { createTempusScheduler, cronIntervalMs, type TempusScheduler } from './scheduler.js';
import { createTempusService, type TempusService } from './service.js';
import { createTokenCipher } from './token-crypto.js';

declare module 'fastify' {
  interface FastifyInstance {
    tempus: { service: TempusService; scheduler: TempusScheduler; api: ReturnType<typeof createTempusV1Client> } | null;
    tempusOAuth2: OAuth2Namespace;
  }
}

/** The simple-oauth2 client that @fastify/oauth2 exposes at runtime as `.oauth2` but leaves out of its types. */
function simpleOAuth2(namespace: OAuth2Namespace) {
  return (namespace as unknown as { oauth2: { authorizeURL(params: Record<string, string>): string } }).oauth2;
}

export interface TempusModuleOptions {
  /** Start the cron scheduler with the app (server.ts does; tests only when they ask). */
  startScheduler?: boolean;
  clock?: () => Date;
  instanceId?: string;
  retry?: TempusClientOptions['retry'];
  breaker?: TempusClientOptions['breaker'];
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
    const metrics = createTempusMetrics(app.metrics, () => service!.countAccountsByState());
    const api = createTempusV1Client({
      authUrl: tempus.authUrl,
      apiUrl: tempus.apiUrl,
      clientId: tempus.clientId,
      clientSecret: tempus.clientSecret,
      redirectUri: tempus.redirectUri,
      budget: createRateBudget(app.db, tempus.rateLimitRps),
      metrics,
      log: app.log.child({ module: 'tempus-client' }),
      clock,
      ...(opts.retry && { retry: opts.retry }),
      ...(opts.breaker && { breaker: opts.breaker }),
    });
    service = createTempusService({
      db: app.db,
      dbKind: app.database.kind,
      api,
      cipher: createTokenCipher(tempus.encryptionKeys),
      metrics,
      log: app.log.child({ module: 'tempus' }),
      clock,
      config: {
        windowPastDays: tempus.windowPastDays,
        windowFutureDays: tempus.windowFutureDays,
        syncIntervalMs: cronIntervalMs(tempus.syncCron),
        concurrency: tempus.syncConcurrency,
        webOrigin: config.http.webOrigin,
      },
      authorizeUrl: ({ state, codeChallenge, scope }) =>
        simpleOAuth2(app.tempusOAuth2).authorizeURL({
          redirect_uri: tempus.redirectUri,
          scope,
          state,
          code_challenge: codeChallenge,
          code_challenge_method: 'S256',
        }),
      listen: (channel, onNotify) => app.database.listen(channel, onNotify),
      ...(opts.instanceId && { instanceId: opts.instanceId }),
    });
    const scheduler = createTempusScheduler({ service, cron: tempus.syncCron, log: app.log.child({ module: 'tempus-scheduler' }) });
    app.decorate('tempus', { service, scheduler, api });

    await app.register(tempusRoutes, { service });

    let stopFollowing: (() => Promise<void>) | undefined;
    app.addHook('onReady', async () => {
      stopFollowing = await service.followOtherInstances();
      if (opts.startScheduler) scheduler.start();
    });
    app.addHook('onClose', async () => stopFollowing?.());
    // Closing waits for running syncs: each either commits or rolls back, never half-applies.
    app.addHook('onClose', async () => (opts.startScheduler ? scheduler.stop() : service.drain()));
  },
  { name: 'tempus', dependencies: ['database', 'auth', 'metrics'] },
);
