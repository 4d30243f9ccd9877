// The resource API under /api: per-client rate limiting and the version lifecycle
// (Deprecation/Sunset, 410) for every path, then bearer-token authentication, scope
// checks and the two endpoints.
import type { SimClock } from './clock.js';
import type { CursorCodec } from './cursor.js';
import type { Faults } from './faults.js';
import type { HttpResult, RequestContext, Route } from './http.js';
import { errorJson, json } from './http.js';
import { malformSchedulesPage } from './malformed-shifts.js';
import type { AccessTokenRecord, AuthServer } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { listSchedules, parseSchedulesQuery } from './schedules.js';
import type { Store } from './store.js';

interface ApiRouteDeps {
  auth: AuthServer;
  store: Store;
  limiter: RateLimiter;
  faults: Faults;
  clock: SimClock;
  cursors: CursorCodec;
}

type Authenticated = { ok: true; token: AccessTokenRecord } | { ok: false; result: HttpResult };

const isApiPath = (path: string): boolean => path.startsWith('/api/');
export const isV1Path = (path: string): boolean => path === '/api/v1' || path.startsWith('/api/v1/');

export function bearerTokenOf(ctx: RequestContext): string | null {
  return /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '')?.[1] ?? null;
}

export function apiRoutes(deps: ApiRouteDeps): { routes: Route[]; gate: (ctx: RequestContext) => HttpResult | null } {
  const { auth, store, limiter, faults, clock, cursors } = deps;

  /**
   * Runs before routing for every /api/ request, matched or not: counts it against the
   * client its bearer token names (even an expired or revoked one), then applies the
   * version lifecycle to everything under /api/v1, so an unknown or unauthenticated path
   * is deprecated or gone like the real endpoints. Returns the response when the request
   * ends here.
   */
  function gate(ctx: RequestContext): HttpResult | null {
    if (!isApiPath(ctx.path)) return null;
    if (isV1Path(ctx.path)) Object.assign(ctx.headers, faults.versionHeaders());
    const bearer = bearerTokenOf(ctx);
    const token = bearer === null ? undefined : auth.checkAccessToken(bearer).token;
    if (token) {
      ctx.clientId = token.clientId;
      ctx.grantId = token.grantId;
      const decision = limiter.take(token.clientId);
      Object.assign(ctx.headers, decision.headers);
      if (decision.refusal) return decision.refusal;
    }
    if (isV1Path(ctx.path) && faults.isVersionRemoved()) {
      return errorJson(410, 'gone', 'API version v1 has been removed');
    }
    return null;
  }

  function authenticate(ctx: RequestContext, requiredScope: string): Authenticated {
    const bearer = bearerTokenOf(ctx);
    if (bearer === null) {
      return {
        ok: false,
        result: errorJson(401, 'invalid_token', 'Missing bearer token', { 'WWW-Authenticate': 'Bearer realm="tempus"' }),
      };
    }
    const check = auth.checkAccessToken(bearer);
    if (!check.ok) {
      return {
        ok: false,
        result: errorJson(401, 'invalid_token', check.description, { 'WWW-Authenticate': 'Bearer error="invalid_token"' }),
      };
    }
    if (!check.token.scope.includes(requiredScope)) {
      return {
        ok: false,
        result: errorJson(403, 'insufficient_scope', `The grant lacks ${requiredScope}`, {
          'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${requiredScope}"`,
        }),
      };
    }
    return { ok: true, token: check.token };
  }

  function profile(ctx: RequestContext): HttpResult {
    const authn = authenticate(ctx, 'profile:read');
    if (!authn.ok) return authn.result;
    const user = store.userById(authn.token.userId);
    if (!user) {
      return errorJson(401, 'invalid_token', 'The user no longer exists', {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
    const { id, email, name, timezone, employer } = user;
    return json(200, { id, email, name, timezone, employer });
  }

  function schedules(ctx: RequestContext): HttpResult {
    const authn = authenticate(ctx, 'schedules:read');
    if (!authn.ok) return authn.result;
    const query = parseSchedulesQuery(ctx.query);
    if (!query.ok) return query.result;
    const page = listSchedules(
      { store, cursors },
      { userId: authn.token.userId, clientId: authn.token.clientId },
      query.value,
      clock.nowMs(),
    );
    if (!page.ok) return page.result;
    const malformation = faults.takeMalformation();
    return malformation ? malformSchedulesPage(malformation, page.value) : json(200, page.value);
  }

  return {
    routes: [
      { method: 'GET', pattern: '/api/v1/user/profile', handler: profile },
      { method: 'GET', pattern: '/api/v1/schedules', handler: schedules },
    ],
    gate,
  };
}
