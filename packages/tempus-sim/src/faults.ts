// Fault injection: failed responses, added latency, broken schedules payloads and
// version lifecycle headers, all switchable at run time by tests and the control API.
import { SimInputError } from './errors.js';
import type { HttpResult } from './http.js';
import { isMalformedKind } from './malformed-shifts.js';
import type { FaultSpec, MalformedKind } from './types.js';

interface ActiveFailure {
  spec: FaultSpec;
  remaining: number;
  matched: number;
}

/** Short, so clients under test that honour it do not stall. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

const pathMatches = (filter: string | undefined, path: string): boolean =>
  filter === undefined || path.startsWith(filter);

/** The contract's `error` code for a status, used when a fault gives no body. */
function contractErrorCode(status: number, path: string): string {
  switch (status) {
    case 400:
      return 'invalid_request';
    case 401:
      return path.startsWith('/oauth/') ? 'invalid_client' : 'invalid_token';
    case 403:
      return 'insufficient_scope';
    case 404:
      return 'not_found';
    case 410:
      return 'gone';
    case 429:
      return 'rate_limited';
    case 502:
      return 'bad_gateway';
    case 503:
      return 'service_unavailable';
    case 504:
      return 'gateway_timeout';
    default:
      return status >= 500 ? 'server_error' : 'invalid_request';
  }
}

const headerValue = (headers: Record<string, string>, name: string): string | undefined =>
  Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

/**
 * A fault without a body is Tempus itself failing, so it answers as the contract says:
 * the `{error, error_description}` body, Retry-After on 429 and 503, and on 429 a bucket
 * reported empty until then. A fault with a body is sent exactly as given, which is how
 * the off-contract answers of a proxy in front of Tempus (HTML, no Retry-After) are made.
 */
function faultResponse(spec: FaultSpec, path: string): HttpResult {
  const headers: Record<string, string> = { ...spec.headers };
  if (spec.body !== undefined) {
    const looksLikeHtml = spec.body.trimStart().startsWith('<');
    return {
      status: spec.status,
      headers,
      contentType: spec.contentType ?? (looksLikeHtml ? 'text/html' : 'application/json'),
      body: spec.body,
    };
  }
  if (spec.status < 400) return { status: spec.status, headers };

  const error = contractErrorCode(spec.status, path);
  if ((spec.status === 429 || spec.status === 503) && headerValue(headers, 'Retry-After') === undefined) {
    headers['Retry-After'] = String(DEFAULT_RETRY_AFTER_SECONDS);
  }
  if (spec.status === 429) {
    const retryAfter = Number(headerValue(headers, 'Retry-After'));
    const waitSeconds = Number.isFinite(retryAfter) ? retryAfter : DEFAULT_RETRY_AFTER_SECONDS;
    if (headerValue(headers, 'X-RateLimit-Remaining') === undefined) headers['X-RateLimit-Remaining'] = '0';
    if (headerValue(headers, 'X-RateLimit-Reset') === undefined) {
      headers['X-RateLimit-Reset'] = String(Math.ceil(Date.now() / 1000 + waitSeconds));
    }
  }
  if (error === 'invalid_token' && headerValue(headers, 'WWW-Authenticate') === undefined) {
    headers['WWW-Authenticate'] = 'Bearer error="invalid_token"';
  }
  return {
    status: spec.status,
    headers,
    contentType: spec.contentType ?? 'application/json',
    body: JSON.stringify({ error, error_description: `Simulated ${spec.status} fault` }),
  };
}

function validateSpec(spec: FaultSpec): void {
  if (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599) {
    throw new SimInputError('status must be an HTTP status code');
  }
  if (spec.count !== undefined && !(Number.isInteger(spec.count) && spec.count > 0)) {
    throw new SimInputError('count must be a positive integer');
  }
  if (spec.fraction !== undefined && !(spec.fraction > 0 && spec.fraction <= 1)) {
    throw new SimInputError('fraction must be in (0, 1]');
  }
}

export function createFaults() {
  let failures: ActiveFailure[] = [];
  let latencies = new Map<string, number>();
  let malformed: MalformedKind[] = [];
  let sunset: Date | null = null;
  let versionRemoved = false;

  return {
    fail(spec: FaultSpec): void {
      validateSpec(spec);
      failures.push({ spec: { ...spec }, remaining: spec.count ?? 1, matched: 0 });
    },
    latency(ms: number, path = '/'): void {
      if (!(ms >= 0)) throw new SimInputError('latency must be a non-negative number of milliseconds');
      if (ms === 0) latencies.delete(path);
      else latencies.set(path, ms);
    },
    malformedShifts(kind: MalformedKind, count = 1): void {
      if (!isMalformedKind(kind)) throw new SimInputError(`Unknown malformed kind ${String(kind)}`);
      for (let i = 0; i < count; i += 1) malformed.push(kind);
    },
    deprecate(date: Date | null): void {
      sunset = date;
    },
    removeVersion(removed: boolean): void {
      versionRemoved = removed;
    },
    clear(): void {
      failures = [];
      latencies = new Map();
      malformed = [];
      sunset = null;
      versionRemoved = false;
    },

    latencyFor(path: string): number {
      let ms = 0;
      for (const [prefix, delay] of latencies) if (path.startsWith(prefix)) ms = Math.max(ms, delay);
      return ms;
    },

    /** Fraction faults fail deterministically (every 1/f-th request) so tests are repeatable. */
    takeFailure(path: string): HttpResult | null {
      for (const failure of failures) {
        if (!pathMatches(failure.spec.path, path)) continue;
        if (failure.spec.fraction !== undefined) {
          const f = failure.spec.fraction;
          failure.matched += 1;
          if (Math.floor(failure.matched * f) === Math.floor((failure.matched - 1) * f)) continue;
        } else {
          failure.remaining -= 1;
          if (failure.remaining <= 0) failures = failures.filter((x) => x !== failure);
        }
        return faultResponse(failure.spec, path);
      }
      return null;
    },

    takeMalformation(): MalformedKind | null {
      return malformed.shift() ?? null;
    },

    versionHeaders(): Record<string, string> {
      return sunset ? { Deprecation: 'true', Sunset: sunset.toUTCString() } : {};
    },

    isVersionRemoved(): boolean {
      return versionRemoved;
    },
  };
}

export type Faults = ReturnType<typeof createFaults>;
