// Wires the simulator together: state, routes and the node:http server, and builds the
// TempusSim handle returned to callers. Every non-control request passes through the
// same pipeline: log → latency fault → failure fault → route.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiRoutes } from './api-routes.js';
import { createSimClock } from './clock.js';
import { controlRoutes } from './control.js';
import { createCursorCodec } from './cursor.js';
import { SimInputError, SimNotFoundError } from './errors.js';
import { createFaults } from './faults.js';
import type { RequestContext, Route } from './http.js';
import { BodyTooLargeError, errorJson, matchRoute, sendResult } from './http.js';
import { createAuthServer } from './oauth.js';
import type { AuthorizeSettings } from './oauth-routes.js';
import { oauthRoutes } from './oauth-routes.js';
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

async function dispatch(routes: readonly Route[], ctx: RequestContext, res: ServerResponse): Promise<void> {
  const match = matchRoute(routes, ctx.method, ctx.path);
  if (match === null) return sendResult(res, errorJson(404, 'not_found'), ctx.headers);
  if (match === 'method_not_allowed') return sendResult(res, errorJson(405, 'method_not_allowed'), ctx.headers);
  ctx.params = match.params;
  try {
    sendResult(res, await match.route.handler(ctx), ctx.headers);
  } catch (err) {
    if (!(err instanceof SimInputError || err instanceof SimNotFoundError || err instanceof BodyTooLargeError)) {
      console.error('tempus-sim: unexpected error', err);
    }
    sendResult(res, errorResultOf(err), ctx.headers);
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

  const routes = [
    ...oauthRoutes({ auth, store, limiter, settings }),
    ...apiRoutes({ auth, store, limiter, faults, clock, cursors }),
  ];

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
    if (isControlPath(ctx.path)) return dispatch(control, ctx, res);

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
    if (failure) return sendResult(res, failure, {});
    return dispatch(routes, ctx, res);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('tempus-sim: request failed', err);
      if (!res.headersSent) sendResult(res, errorJson(500, 'server_error'), {});
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
