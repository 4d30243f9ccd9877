// Wires the simulator together: state, routes and the node:http server, and builds the
// TempusSim handle returned to callers. Every non-control request passes through the
// same pipeline: log → latency fault → failure fault → API gate (rate limit, version)
// → route, and every response gets the X-RateLimit-* headers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes, bearerTokenOf, isV1Path } from './api-routes.js';
import { createSimClock } from './clock.js';
import { controlRoutes } from './control.js';
import { createCursorCodec } from './cursor.js';
import { SimInputError, SimNotFoundError } from './errors.js';
import { createFaults } from './faults.js';
import type { HttpResult, RequestContext, Route } from './http.js';
import { BodyTooLargeError, errorJson, matchRoute, sendResult } from './http.js';
import { createAuthServer } from './oauth.js';
import type { AuthorizeSettings } from './oauth-routes.js';
import { claimedClientId, oauthRoutes } from './oauth-routes.js';
import { createObservability } from './observability.js';
import { createRateLimiter } from './rate-limit.js';
import { generateShifts, generateUsers } from './seed.js';
import { createStore } from './store.js';
import type { SimOptions, TempusSim } from './types.js';

const isControlPath = (path: string): boolean => path === '/_sim' || path.startsWith('/_sim/');

function errorResultOf(err: unknown) {
  if (err instanceof SimInputError) return errorJson(400, 'invalid_request', err.message);
  if (err instanceof SimNotFoundError) return errorJson(404, 'not_found', err.message);
  if (err instanceof BodyTooLargeError) return errorJson(413, 'invalid_request', err.message);
  return errorJson(500, 'server_error');
}

async function routeResult(routes: readonly Route[], ctx: RequestContext): Promise<HttpResult> {
  const match = matchRoute(routes, ctx.method, ctx.path);
  if (match === null) return errorJson(404, 'not_found');
  if (match === 'method_not_allowed') return errorJson(405, 'method_not_allowed');
  ctx.params = match.params;
  try {
    return await match.route.handler(ctx);
  } catch (err) {
    if (!(err instanceof SimInputError || err instanceof SimNotFoundError || err instanceof BodyTooLargeError)) {
      console.error('tempus-sim: unexpected error', err);
    }
    return errorResultOf(err);
  }
}

export async function startTempusSim(opts: SimOptions = {}): Promise<TempusSim> {
  const clock = createSimClock(opts.startTime);
  const observability = createObservability();
  const store = createStore(clock);
  const auth = createAuthServer({
    clock,
    counters: observability.counters,
    accessTokenTtlSeconds: opts.accessTokenTtlSeconds ?? 3600,
  });
  for (const client of opts.clients ?? []) auth.addClient(client);
  const limiter = createRateLimiter({
    ratePerSecond: opts.rateLimit?.ratePerSecond ?? 10,
    burst: opts.rateLimit?.burst ?? 20,
    hourly: opts.rateLimit?.hourly ?? 5000,
  });
  const faults = createFaults();
  const cursors = createCursorCodec();
  const settings: AuthorizeSettings = { autoApprove: opts.autoApprove ?? false, autoDecision: 'approve' };
  let seededUsers = 0;

  const api = apiRoutes({ auth, store, limiter, faults, clock, cursors });
  const routes = [...oauthRoutes({ auth, store, limiter, settings }), ...api.routes];

  /**
   * The contract puts X-RateLimit-* on every response. A request that was not counted
   * (a fault, /oauth/authorize, an unknown client or token) reports its client's bucket
   * as it stands, without drawing from it.
   */
  function sendTempusResult(
    res: ServerResponse,
    result: HttpResult,
    headers: Record<string, string>,
    clientId: string | null,
  ): void {
    const rateLimitHeaders = 'X-RateLimit-Limit' in headers ? {} : limiter.peek(clientId);
    sendResult(res, result, { ...rateLimitHeaders, ...headers });
  }

  /**
   * An injected fault stands for a proxy or an outage in front of Tempus, so it is not
   * counted; its headers still show the bucket of the client the request names and, under
   * /api/v1, the version lifecycle. The fault's own headers win.
   */
  async function sendFault(res: ServerResponse, ctx: RequestContext, failure: HttpResult): Promise<void> {
    const bearer = bearerTokenOf(ctx);
    const clientId = bearer ? (auth.checkAccessToken(bearer).token?.clientId ?? null) : await claimedClientId(ctx);
    const versionHeaders = isV1Path(ctx.path) ? faults.versionHeaders() : {};
    sendTempusResult(res, failure, versionHeaders, clientId !== null && auth.client(clientId) ? clientId : null);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://tempus-sim');
    const ctx: RequestContext = {
      req,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      params: {},
      clientId: null,
      grantId: null,
      headers: {},
    };
    if (isControlPath(ctx.path)) return sendResult(res, await routeResult(control, ctx), ctx.headers);

    const time = clock.now().toISOString();
    res.on('finish', () => {
      observability.record({
        method: ctx.method,
        path: ctx.path,
        query: Object.fromEntries(url.searchParams),
        time,
        status: res.statusCode,
        clientId: ctx.clientId,
        grantId: ctx.grantId,
      });
    });
    const delay = faults.latencyFor(ctx.path);
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const failure = faults.takeFailure(ctx.path);
    if (failure) return sendFault(res, ctx, failure);
    const result = api.gate(ctx) ?? (await routeResult(routes, ctx));
    return sendTempusResult(res, result, ctx.headers, ctx.clientId);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('tempus-sim: request failed', err);
      if (!res.headersSent) sendResult(res, errorJson(500, 'server_error'), limiter.peek(null));
      else res.destroy();
    });
  });

  const sim: TempusSim = {
    url: '',
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
    clock: { now: clock.now, set: clock.set, advance: clock.advance },
    addClient: (client) => auth.addClient(client),
    users: store.users,
    shifts: store.shifts,
    seed({ users, seed, from, to, shiftsPerUser }) {
      const generated = generateUsers({
        seed,
        count: users,
        startIndex: seededUsers,
        takenEmails: store.users.list().map((u) => u.email),
      });
      const created = generated.map((user, i) => {
        const saved = store.users.create(user);
        const shifts = generateShifts({
          seed,
          userIndex: seededUsers + i,
          from,
          to,
          timeZone: saved.timezone,
          count: shiftsPerUser,
        });
        for (const shift of shifts) store.shifts.add(saved.id, shift);
        return saved;
      });
      seededUsers += users;
      return created;
    },
    faults: {
      fail: faults.fail,
      latency: faults.latency,
      malformedShifts: faults.malformedShifts,
      deprecate: faults.deprecate,
      removeVersion: faults.removeVersion,
      clear: faults.clear,
    },
    grants: { revokeUser: (userId) => auth.revokeUser(userId) },
    setTokenLifetimes: (o) => auth.setLifetimes(o),
    setAutoDecision(decision) {
      settings.autoDecision = decision;
    },
    requests: observability.requests,
    counters: observability.counters,
    resetCounters: observability.reset,
  };
  const control = opts.control ? controlRoutes(sim) : [];

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  sim.url = `http://${host}:${address.port}`;
  return sim;
}
