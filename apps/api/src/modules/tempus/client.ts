/**
 * The Tempus API v1 client: OAuth token calls and the resource API, every response
 * validated with zod (unknown fields ignored), every request under the shared rate budget
 * in its lane (interactive or background), retried with backoff and jitter on 429/502/503/504
 * and network errors only, and behind a per-process circuit breaker so an outage costs a
 * handful of calls, not thousands. Each exchange is bounded in size and time (tempus-http.ts).
 *
 * The sync engine sees only the `TempusApi` interface: a v2 adapter can be added beside
 * this one without touching it.
 */
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { TempusMetrics } from './metrics.js';
import type { Lane, RateBudget } from './rate-budget.js';
import { calledOff, createTempusHttp, type RawResponse } from './tempus-http.js';
import { TempusError, type TempusItem, type TempusProfile, type TokenSet } from './types.js';
import { profileSchema, schedulesPageSchema, tokenResponseSchema } from './wire-schemas.js';

/** An interactive call waits at most this long for the budget, then fails as tempus_rate_limited. */
const INTERACTIVE_MAX_WAIT_MS = 10_000;
/** Token lifetimes from Tempus are believed up to this; an absurd expires_in must not break a date. */
const MAX_TOKEN_LIFETIME_S = 366 * 86_400;
/** Text from Tempus quoted in an error message (its `error` code) is cut to this. */
const MAX_QUOTED_LENGTH = 60;

/** Who a call is for: its lane in the shared budget, and the signal that calls it off. */
export interface CallOptions {
  lane: Lane;
  signal?: AbortSignal;
}

export interface SchedulesQuery {
  from?: Date;
  to?: Date;
  updatedSince?: Date;
  cursor?: string;
  limit: number;
}

export interface SchedulesPage {
  items: TempusItem[];
  nextCursor: string | null;
  serverTime: Date;
}

/** What the sync engine and the service need from Tempus, whatever its version. */
export interface TempusApi {
  exchangeCode(code: string, codeVerifier: string, call: CallOptions): Promise<TokenSet>;
  refresh(refreshToken: string, call: CallOptions): Promise<TokenSet>;
  revoke(refreshToken: string, call: CallOptions): Promise<void>;
  profile(accessToken: string, call: CallOptions): Promise<TempusProfile>;
  schedulesPage(accessToken: string, query: SchedulesQuery, call: CallOptions): Promise<SchedulesPage>;
}

export interface TempusClientOptions {
  authUrl: string;
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  budget: RateBudget;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  clock?: () => Date;
  retry?: { retries?: number; minTimeout?: number; maxTimeout?: number };
  breaker?: { resetTimeout?: number; volumeThreshold?: number; errorThresholdPercentage?: number };
  requestTimeoutMs?: number;
}

export function createTempusV1Client(opts: TempusClientOptions): TempusApi & { readonly breaker: CircuitBreaker } {
  const clock = opts.clock ?? (() => new Date());
  const http = createTempusHttp({ budget: opts.budget, metrics: opts.metrics, log: opts.log, timeoutMs: opts.requestTimeoutMs ?? 15_000 });
  const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;

  // The breaker wraps one HTTP attempt; only outages (5xx proxies, network errors) trip it.
  const breaker = new CircuitBreaker(http.send, {
    timeout: false,
    resetTimeout: opts.breaker?.resetTimeout ?? 30_000,
    volumeThreshold: opts.breaker?.volumeThreshold ?? 5,
    errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
    rollingCountTimeout: 30_000,
    errorFilter: (err: unknown) => !(err instanceof TempusError && err.transient && err.code !== 'rate_limited'),
  });
  breaker.on('open', () => opts.log.warn('Tempus circuit breaker opened: calls paused'));
  breaker.on('close', () => opts.log.info('Tempus circuit breaker closed'));

  /** One call: retried while transient, every attempt under the budget; a call that is called off ends as its reason. */
  async function request(endpoint: string, url: string, init: RequestInit, call: CallOptions): Promise<RawResponse> {
    try {
      return await attempts(endpoint, url, init, call);
    } catch (err) {
      if (call.signal?.aborted) throw calledOff(call.signal);
      throw err;
    }
  }

  function attempts(endpoint: string, url: string, init: RequestInit, call: CallOptions): Promise<RawResponse> {
    return pRetry(
      async () => {
        if (breaker.opened) throw new TempusError('circuit_open', 'Tempus has been failing; calls are paused for a while');
        await opts.budget.acquire({ lane: call.lane, maxWaitMs: INTERACTIVE_MAX_WAIT_MS, ...(call.signal && { signal: call.signal }) });
        try {
          return await breaker.fire(endpoint, url, init, call.signal);
        } catch (err) {
          if (err instanceof TempusError) throw err;
          if ((err as { code?: string }).code === 'EOPENBREAKER') {
            throw new TempusError('circuit_open', 'Tempus has been failing; calls are paused for a while');
          }
          throw err;
        }
      },
      {
        retries: opts.retry?.retries ?? 4,
        minTimeout: opts.retry?.minTimeout ?? 500,
        maxTimeout: opts.retry?.maxTimeout ?? 10_000,
        factor: 2,
        randomize: true,
        shouldRetry: ({ error }) => error instanceof TempusError && error.transient && !call.signal?.aborted,
        ...(call.signal && { signal: call.signal }),
      },
    );
  }

  function fail(endpoint: string, res: RawResponse): never {
    const raw = (res.body as { error?: unknown } | undefined)?.error;
    const error = typeof raw === 'string' ? quoted(raw) : undefined;
    if (res.status === 410) throw new TempusError('version_removed', 'Tempus API v1 has been removed (410 Gone)', { status: 410 });
    if (res.status === 401) throw new TempusError('unauthorized', 'Tempus refused the access token', { status: 401 });
    if (error === 'invalid_grant') throw new TempusError('invalid_grant', 'Tempus no longer accepts this connection', { status: res.status });
    if (error === 'insufficient_scope') throw new TempusError('insufficient_scope', 'The Tempus connection lacks permission to read schedules', { status: res.status });
    if (error === 'invalid_cursor') throw new TempusError('invalid_cursor', 'Tempus rejected the paging cursor', { status: res.status });
    throw new TempusError('request_failed', `Tempus ${endpoint} answered HTTP ${res.status}${error ? ` (${error})` : ''}`, { status: res.status });
  }

  function parse<T>(schema: z.ZodType<T>, endpoint: string, res: RawResponse): T {
    const parsed = schema.safeParse(res.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new TempusError(
        'invalid_response',
        `Tempus ${endpoint} sent a response that does not fit the contract (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'not JSON'})`,
      );
    }
    return parsed.data;
  }

  function toTokenSet(body: z.infer<typeof tokenResponseSchema>): TokenSet {
    return {
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? null,
      expiresAt: new Date(clock().getTime() + Math.min(body.expires_in, MAX_TOKEN_LIFETIME_S) * 1000),
      scope: body.scope ?? null,
    };
  }

  async function tokenCall(endpoint: string, path: string, form: Record<string, string>, call: CallOptions) {
    const res = await request(
      endpoint,
      `${opts.authUrl}${path}`,
      {
        method: 'POST',
        headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(form).toString(),
      },
      call,
    );
    if (res.status !== 200) fail(endpoint, res);
    return res;
  }

  async function resourceCall(endpoint: string, accessToken: string, url: string, call: CallOptions) {
    const res = await request(endpoint, url, { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } }, call);
    if (res.status !== 200) fail(endpoint, res);
    return res;
  }

  return {
    breaker,

    async exchangeCode(code, codeVerifier, call) {
      const res = await tokenCall(
        'token',
        '/oauth/token',
        { grant_type: 'authorization_code', code, redirect_uri: opts.redirectUri, code_verifier: codeVerifier },
        call,
      );
      return toTokenSet(parse(tokenResponseSchema, 'token', res));
    },

    async refresh(refreshToken, call) {
      const res = await tokenCall('token', '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, call);
      return toTokenSet(parse(tokenResponseSchema, 'token', res));
    },

    async revoke(refreshToken, call) {
      await tokenCall('revoke', '/oauth/revoke', { token: refreshToken, token_type_hint: 'refresh_token' }, call);
    },

    async profile(accessToken, call) {
      const res = await resourceCall('profile', accessToken, `${opts.apiUrl}/api/v1/user/profile`, call);
      const p = parse(profileSchema, 'profile', res);
      return { id: p.id, email: p.email ?? null, name: p.name ?? null, timezone: p.timezone ?? null, employer: p.employer ?? null };
    },

    async schedulesPage(accessToken, query, call) {
      const params = new URLSearchParams();
      if (query.from) params.set('from', query.from.toISOString());
      if (query.to) params.set('to', query.to.toISOString());
      if (query.updatedSince) params.set('updated_since', query.updatedSince.toISOString());
      params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      const res = await resourceCall('schedules', accessToken, `${opts.apiUrl}/api/v1/schedules?${params}`, call);
      const page = parse(schedulesPageSchema, 'schedules', res);
      return { items: page.data, nextCursor: page.next_cursor, serverTime: new Date(page.server_time) };
    },
  };
}

/** Text Tempus chose, fit to quote in a message: short, printable. */
function quoted(text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > MAX_QUOTED_LENGTH ? `${printable.slice(0, MAX_QUOTED_LENGTH)}…` : printable;
}
