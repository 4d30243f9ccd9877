// The resource API under /api/v1: bearer-token authentication, scope checks, per-client
// rate limiting, version lifecycle (Deprecation/Sunset, 410) and the two endpoints.
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

export function apiRoutes(deps: ApiRouteDeps): Route[] {
  const { auth, store, limiter, faults, clock, cursors } = deps;

  function authenticate(ctx: RequestContext, requiredScope: string): Authenticated {
    Object.assign(ctx.headers, faults.versionHeaders());
    const bearer = /^Bearer\s+(\S+)$/i.exec(ctx.req.headers.authorization ?? '');
    const check = bearer ? auth.checkAccessToken(bearer[1] as string) : null;
    if (check?.token) {
      ctx.clientId = check.token.clientId;
      ctx.grantId = check.token.grantId;
      const decision = limiter.take(check.token.clientId);
      Object.assign(ctx.headers, decision.headers);
      if (decision.refusal) return { ok: false, result: decision.refusal };
    }
    if (faults.isVersionRemoved()) {
      return { ok: false, result: errorJson(410, 'gone', 'API version v1 has been removed') };
    }
    if (!check) {
      return {
        ok: false,
        result: errorJson(401, 'invalid_token', 'Missing bearer token', { 'WWW-Authenticate': 'Bearer realm="tempus"' }),
      };
    }
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
    if (!user) return errorJson(401, 'invalid_token', 'The user no longer exists');
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

  return [
    { method: 'GET', pattern: '/api/v1/user/profile', handler: profile },
    { method: 'GET', pattern: '/api/v1/schedules', handler: schedules },
  ];
}
