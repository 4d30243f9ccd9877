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

const pathMatches = (filter: string | undefined, path: string): boolean =>
  filter === undefined || path.startsWith(filter);

function defaultBody(spec: FaultSpec): { body: string; contentType: string } {
  if (spec.body === undefined) {
    return { body: JSON.stringify({ error: `simulated_${spec.status}` }), contentType: 'application/json' };
  }
  const looksLikeHtml = spec.body.trimStart().startsWith('<');
  return { body: spec.body, contentType: looksLikeHtml ? 'text/html' : 'application/json' };
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
        const { body, contentType } = defaultBody(failure.spec);
        return {
          status: failure.spec.status,
          headers: { ...failure.spec.headers },
          contentType: failure.spec.contentType ?? contentType,
          body,
        };
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
