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

  return {
    take(clientId: string): RateLimitDecision {
      const now = performance.now();
      let bucket = buckets.get(clientId);
      if (!bucket) {
        bucket = { tokens: config.burst, refilledAt: now, hourStartedAt: now, hourCount: 0 };
        buckets.set(clientId, bucket);
      }
      bucket.tokens = Math.min(config.burst, bucket.tokens + ((now - bucket.refilledAt) / 1000) * config.ratePerSecond);
      bucket.refilledAt = now;
      if (now - bucket.hourStartedAt >= HOUR_MS) {
        bucket.hourStartedAt = now;
        bucket.hourCount = 0;
      }

      const hourEnds = bucket.hourStartedAt + HOUR_MS;
      const quotaSpent = bucket.hourCount >= config.hourly;
      const allowed = !quotaSpent && bucket.tokens >= 1;
      if (allowed) {
        bucket.tokens -= 1;
        bucket.hourCount += 1;
      }

      const quotaLeft = config.hourly - bucket.hourCount;
      const remaining = Math.max(0, Math.min(Math.floor(bucket.tokens), quotaLeft));
      let nextAvailable = now;
      if (quotaLeft <= 0) nextAvailable = hourEnds;
      else if (bucket.tokens < 1) nextAvailable = now + ((1 - bucket.tokens) / config.ratePerSecond) * 1000;

      const headers: Record<string, string> = {
        'X-RateLimit-Limit': String(config.burst),
        'X-RateLimit-Remaining': String(remaining),
        'X-RateLimit-Reset': String(Math.ceil(unixSecondsAt(nextAvailable))),
      };
      if (allowed) return { allowed, headers };
      const retryAfter = Math.max(1, Math.ceil((nextAvailable - now) / 1000));
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
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
