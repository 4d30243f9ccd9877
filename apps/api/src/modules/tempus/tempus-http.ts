/**
 * One HTTP exchange with Tempus, bounded whatever Tempus does: no redirect is followed (a
 * token request re-sent to another origin would carry the code, the verifier or the refresh
 * token there), the body is read up to a cap within the request's time limit, and the rate
 * headers are observed (429 / Retry-After and `X-RateLimit-Remaining: 0` block the shared
 * budget, at most for an hour).
 */
import type { FastifyBaseLogger } from 'fastify';
import type { TempusMetrics } from './metrics.js';
import { MAX_BLOCK_MS, type RateBudget } from './rate-budget.js';
import { TempusError } from './types.js';

/** A page of 500 shifts with every text field at its longest is about 3 MB. */
export const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const TRANSIENT_STATUSES = new Set([502, 503, 504]);
/** A 503's Retry-After pauses everyone for at most this long; longer outages are the breaker's. */
const MAX_UNAVAILABLE_BLOCK_MS = 60_000;

export interface RawResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

export interface TempusHttpOptions {
  budget: RateBudget;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  timeoutMs: number;
}

export function createTempusHttp({ budget, metrics, log, timeoutMs }: TempusHttpOptions) {
  /** `endpoint` names the call for metrics and logs; `signal` is the caller's (a sync's deadline, shutdown). */
  async function send(endpoint: string, url: string, init: RequestInit, signal?: AbortSignal): Promise<RawResponse> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([timeout, signal]) : timeout;
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { ...init, redirect: 'manual', signal: combined });
      text = await readCapped(response, endpoint);
    } catch (err) {
      if (signal?.aborted) throw calledOff(signal);
      if (err instanceof TempusError) throw err;
      metrics.requests.inc({ endpoint, status: 'network_error' });
      throw new TempusError('network_error', `Tempus could not be reached (${(err as Error).name})`, { transient: true });
    }
    metrics.requests.inc({ endpoint, status: String(response.status) });
    await observeHeaders(endpoint, response);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (response.status >= 300 && response.status < 400) {
      throw new TempusError('request_failed', `Tempus ${endpoint} answered a redirect (HTTP ${response.status}), which is not followed`, { status: response.status });
    }
    if (response.status === 429) {
      metrics.rateLimited.inc();
      const retryAfterMs = capBlock(endpoint, retryAfter(response.headers) ?? 1_000);
      await budget.blockUntil(new Date(Date.now() + retryAfterMs));
      throw new TempusError('rate_limited', 'Tempus answered 429 (rate limited)', { status: 429, retryAfterMs, transient: true });
    }
    if (TRANSIENT_STATUSES.has(response.status)) {
      const retryAfterMs = retryAfter(response.headers);
      if (response.status === 503 && retryAfterMs) await budget.blockUntil(new Date(Date.now() + Math.min(retryAfterMs, MAX_UNAVAILABLE_BLOCK_MS)));
      throw new TempusError('unavailable', `Tempus is unavailable (HTTP ${response.status})`, {
        status: response.status,
        ...(retryAfterMs !== undefined && { retryAfterMs: Math.min(retryAfterMs, MAX_BLOCK_MS) }),
        transient: true,
      });
    }
    return { status: response.status, headers: response.headers, body };
  }

  /** The body as text, refused past MAX_RESPONSE_BYTES without reading further. */
  async function readCapped(response: Response, endpoint: string): Promise<string> {
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > MAX_RESPONSE_BYTES) {
      await response.body?.cancel();
      throw tooLarge(endpoint);
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > MAX_RESPONSE_BYTES) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge(endpoint);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  function tooLarge(endpoint: string) {
    metrics.requests.inc({ endpoint, status: 'too_large' });
    return new TempusError('invalid_response', `Tempus ${endpoint} sent more than ${MAX_RESPONSE_BYTES / 1024 / 1024} MiB; the response was not read`);
  }

  /** A block longer than an hour is treated as an hour (the contract), and said so. */
  function capBlock(endpoint: string, ms: number): number {
    if (ms <= MAX_BLOCK_MS) return ms;
    log.warn({ endpoint, askedSeconds: Math.round(ms / 1000) }, 'Tempus asked to wait more than an hour; waiting one hour');
    return MAX_BLOCK_MS;
  }

  async function observeHeaders(endpoint: string, response: Response) {
    const deprecation = response.headers.get('deprecation');
    if (deprecation) {
      log.warn({ endpoint, deprecation: deprecation.slice(0, 100), sunset: response.headers.get('sunset')?.slice(0, 100) }, 'Tempus API version is deprecated');
    }
    if (response.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      if (Number.isFinite(reset) && reset > 0) await budget.blockUntil(new Date(Date.now() + capBlock(endpoint, reset * 1000 - Date.now())));
    }
  }

  return { send };
}

/** Why the caller stopped waiting: its own reason when it gave one, else its deadline. */
export function calledOff(signal: AbortSignal): TempusError {
  return signal.reason instanceof TempusError ? signal.reason : new TempusError('timeout', 'The sync ran out of time waiting for Tempus');
}

function retryAfter(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}
