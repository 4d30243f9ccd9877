// Per-client rate limiting: a token bucket (sustained rate + burst) plus an hourly quota.
// It runs on real time (performance.now), not the simulated clock, because clients back
// off in real time; jumping the sim clock must not refill anyone's bucket.
import type { HttpResult } from './http.js';

export interface RateLimitConfig {
  ratePerSecond: number;
  burst: number;
  hourly: number;
}

export interface RateLimitDecision {
  allowed: boolean;
  headers: Record<string, string>;
  /** Set when refused: a 429 response carrying the headers and Retry-After. */
  refusal?: HttpResult;
}

interface Bucket {
  tokens: number;
  refilledAt: number;
  hourStartedAt: number;
  hourCount: number;
}

const HOUR_MS = 3600_000;

export function createRateLimiter(config: RateLimitConfig) {
  const buckets = new Map<string, Bucket>();
  const unixSecondsAt = (perfMs: number): number => (performance.timeOrigin + perfMs) / 1000;
  const freshBucket = (now: number): Bucket => ({ tokens: config.burst, refilledAt: now, hourStartedAt: now, hourCount: 0 });

  function refill(bucket: Bucket, now: number): void {
    bucket.tokens = Math.min(config.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * config.ratePerSecond);
    bucket.refilledAt = now;
    if (now - bucket.hourStartedAt >= HOUR_MS) {
      bucket.hourStartedAt = now;
      bucket.hourCount = 0;
    }
  }

  /** When Remaining is next above 0: now while it is, else the refill or the hour's end. */
  function nextAvailableAt(bucket: Bucket, now: number): number {
    if (bucket.hourCount >= config.hourly) return bucket.hourStartedAt + HOUR_MS;
    if (bucket.tokens < 1) return now + ((1 - bucket.tokens) / config.ratePerSecond) * 1000;
    return now;
  }

  function headersOf(bucket: Bucket, now: number): Record<string, string> {
    const quotaLeft = config.hourly - bucket.hourCount;
    return {
      'X-RateLimit-Limit': String(config.burst),
      'X-RateLimit-Remaining': String(Math.max(0, Math.min(Math.floor(bucket.tokens), quotaLeft))),
      'X-RateLimit-Reset': String(Math.ceil(unixSecondsAt(nextAvailableAt(bucket, now)))),
    };
  }

  return {
    /** Counts one request of the client and refuses it when the bucket or the hourly quota is empty. */
    take(clientId: string): RateLimitDecision {
      const now = performance.now();
      let bucket = buckets.get(clientId);
      if (!bucket) {
        bucket = freshBucket(now);
        buckets.set(clientId, bucket);
      }
      refill(bucket, now);
      const allowed = bucket.hourCount < config.hourly && bucket.tokens >= 1;
      if (allowed) {
        bucket.tokens -= 1;
        bucket.hourCount += 1;
      }
      const headers = headersOf(bucket, now);
      if (allowed) return { allowed, headers };
      const retryAfter = Math.max(1, Math.ceil((nextAvailableAt(bucket, now) - now) / 1000));
      return {
        allowed,
        headers,
        refusal: {
          status: 429,
          headers: { 'Retry-After': String(retryAfter) },
          contentType: 'application/json',
          body: JSON.stringify({ error: 'rate_limited' }),
        },
      };
    },

    /**
     * The headers of a response that is not counted: the client's bucket as it stands.
     * A request that names no known client is reported against a full bucket, because
     * the limits belong to client applications and such a request belongs to none; it is
     * not counted, so a stranger cannot spend a real client's quota.
     */
    peek(clientId: string | null): Record<string, string> {
      const now = performance.now();
      const bucket = (clientId === null ? undefined : buckets.get(clientId)) ?? freshBucket(now);
      refill(bucket, now);
      return headersOf(bucket, now);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
