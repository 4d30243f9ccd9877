// The request log and counters tests read to assert what a client actually sent.
import type { RequestLogEntry, SimCounters } from './types.js';

/** Old entries are dropped past this size so a long-running demo server stays bounded. */
const MAX_LOG_ENTRIES = 50_000;

export function createObservability() {
  const requests: RequestLogEntry[] = [];
  const counters: SimCounters = {
    requests: 0,
    rateLimited: 0,
    refreshReuseDetected: 0,
    rotatedRefreshTokenUses: 0,
    revocations: 0,
    refreshes: 0,
    codesExchanged: 0,
  };
  return {
    requests,
    counters,
    record(entry: RequestLogEntry): void {
      counters.requests += 1;
      if (entry.status === 429) counters.rateLimited += 1;
      requests.push(entry);
      if (requests.length > MAX_LOG_ENTRIES) requests.splice(0, requests.length - MAX_LOG_ENTRIES);
    },
    /** Clears in place: callers hold references to the live array and object. */
    reset(): void {
      requests.length = 0;
      for (const key of Object.keys(counters) as (keyof SimCounters)[]) counters[key] = 0;
    },
  };
}

export type Observability = ReturnType<typeof createObservability>;
