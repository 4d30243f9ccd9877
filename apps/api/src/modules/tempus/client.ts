/**
 * The Tempus API v1 client: OAuth token calls and the resource API, every response
 * validated with zod (unknown fields ignored), every request under the shared rate budget,
 * retried with backoff and jitter on 429/502/503/504 and network errors only, and behind a
 * per-process circuit breaker so an outage costs a handful of calls, not thousands.
 *
 * The sync engine sees only the `TempusApi` interface: a v2 adapter can be added beside
 * this one without touching it.
 */
import CircuitBreaker from 'opossum';
import pRetry from 'p-retry';
import type { FastifyBaseLogger } from 'fastify';
import type { z } from 'zod';
import type { RateBudget } from './rate-budget.js';
import type { TempusMetrics } from './metrics.js';
import { TempusError, type TempusItem, type TempusProfile, type TokenSet } from './types.js';
import { profileSchema, schedulesPageSchema, tokenResponseSchema } from './wire-schemas.js';

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
  exchangeCode(code: string, codeVerifier: string): Promise<TokenSet>;
  refresh(refreshToken: string): Promise<TokenSet>;
  revoke(refreshToken: string): Promise<void>;
  profile(accessToken: string): Promise<TempusProfile>;
  schedulesPage(accessToken: string, query: SchedulesQuery): Promise<SchedulesPage>;
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

interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

const TRANSIENT_STATUSES = new Set([502, 503, 504]);

export function createTempusV1Client(opts: TempusClientOptions): TempusApi & { readonly breaker: CircuitBreaker } {
  const clock = opts.clock ?? (() => new Date());
  const timeoutMs = opts.requestTimeoutMs ?? 15_000;
  const basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(opts.clientId)}:${encodeURIComponent(opts.clientSecret)}`).toString('base64')}`;

  // The breaker wraps one HTTP attempt; only outages (5xx proxies, network errors) trip it.
  const breaker = new CircuitBreaker(send, {
    timeout: false,
    resetTimeout: opts.breaker?.resetTimeout ?? 30_000,
    volumeThreshold: opts.breaker?.volumeThreshold ?? 5,
    errorThresholdPercentage: opts.breaker?.errorThresholdPercentage ?? 50,
    rollingCountTimeout: 30_000,
    errorFilter: (err: unknown) => !(err instanceof TempusError && err.transient && err.code !== 'rate_limited'),
  });
  breaker.on('open', () => opts.log.warn('Tempus circuit breaker opened: calls paused'));
  breaker.on('close', () => opts.log.info('Tempus circuit breaker closed'));

  async function send(endpoint: string, url: string, init: RequestInit): Promise<RawResponse> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      opts.metrics.requests.inc({ endpoint, status: 'network_error' });
      throw new TempusError('network_error', `Tempus could not be reached (${(err as Error).name})`, { transient: true });
    }
    const text = await response.text();
    opts.metrics.requests.inc({ endpoint, status: String(response.status) });
    await observeHeaders(endpoint, response);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status === 429) {
      opts.metrics.rateLimited.inc();
      const retryAfterMs = retryAfter(response.headers) ?? 1_000;
      await opts.budget.blockUntil(new Date(Date.now() + retryAfterMs));
      throw new TempusError('rate_limited', 'Tempus answered 429 (rate limited)', { status: 429, retryAfterMs, transient: true });
    }
    if (TRANSIENT_STATUSES.has(response.status)) {
      const retryAfterMs = retryAfter(response.headers);
      if (response.status === 503 && retryAfterMs) await opts.budget.blockUntil(new Date(Date.now() + Math.min(retryAfterMs, 60_000)));
      throw new TempusError('unavailable', `Tempus is unavailable (HTTP ${response.status})`, {
        status: response.status,
        ...(retryAfterMs !== undefined && { retryAfterMs }),
        transient: true,
      });
    }
    return { status: response.status, headers: response.headers, body, text };
  }

  async function observeHeaders(endpoint: string, response: Response) {
    const deprecation = response.headers.get('deprecation');
    if (deprecation) {
      opts.log.warn({ endpoint, deprecation, sunset: response.headers.get('sunset') }, 'Tempus API version is deprecated');
    }
    if (response.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      if (Number.isFinite(reset) && reset > 0) await opts.budget.blockUntil(new Date(reset * 1000));
    }
  }

  async function request(endpoint: string, url: string, init: RequestInit): Promise<RawResponse> {
    return pRetry(
      async () => {
        if (breaker.opened) throw new TempusError('circuit_open', 'Tempus has been failing; calls are paused for a while');
        await opts.budget.acquire();
        try {
          return await breaker.fire(endpoint, url, init);
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
        shouldRetry: ({ error }) => error instanceof TempusError && error.transient,
      },
    );
  }

  function fail(endpoint: string, res: RawResponse): never {
    const error = typeof (res.body as { error?: unknown })?.error === 'string' ? (res.body as { error: string }).error : undefined;
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
      expiresAt: new Date(clock().getTime() + body.expires_in * 1000),
      scope: body.scope ?? null,
    };
  }

  async function tokenCall(endpoint: string, path: string, form: Record<string, string>) {
    const res = await request(endpoint, `${opts.authUrl}${path}`, {
      method: 'POST',
      headers: { authorization: basicAuth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams(form).toString(),
    });
    if (res.status !== 200) fail(endpoint, res);
    return res;
  }

  async function resourceCall(endpoint: string, accessToken: string, url: string) {
    const res = await request(endpoint, url, {
      headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
    });
    if (res.status !== 200) fail(endpoint, res);
    return res;
  }

  return {
    breaker,

    async exchangeCode(code, codeVerifier) {
      const res = await tokenCall('token', '/oauth/token', {
        grant_type: 'authorization_code',
        code,
        redirect_uri: opts.redirectUri,
        code_verifier: codeVerifier,
      });
      return toTokenSet(parse(tokenResponseSchema, 'token', res));
    },

    async refresh(refreshToken) {
      const res = await tokenCall('token', '/oauth/token', { grant_type: 'refresh_token', refresh_token: refreshToken });
      return toTokenSet(parse(tokenResponseSchema, 'token', res));
    },

    async revoke(refreshToken) {
      await tokenCall('revoke', '/oauth/revoke', { token: refreshToken, token_type_hint: 'refresh_token' });
    },

    async profile(accessToken) {
      const res = await resourceCall('profile', accessToken, `${opts.apiUrl}/api/v1/user/profile`);
      const p = parse(profileSchema, 'profile', res);
      return { id: p.id, email: p.email ?? null, name: p.name ?? null, timezone: p.timezone ?? null, employer: p.employer ?? null };
    },

    async schedulesPage(accessToken, query) {
      const params = new URLSearchParams();
      if (query.from) params.set('from', query.from.toISOString());
      if (query.to) params.set('to', query.to.toISOString());
      if (query.updatedSince) params.set('updated_since', query.updatedSince.toISOString());
      params.set('limit', String(query.limit));
      if (query.cursor) params.set('cursor', query.cursor);
      const res = await resourceCall('schedules', accessToken, `${opts.apiUrl}/api/v1/schedules?${params}`);
      const page = parse(schedulesPageSchema, 'schedules', res);
      return { items: page.data, nextCursor: page.next_cursor, serverTime: new Date(page.server_time) };
    },
  };
}

function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
