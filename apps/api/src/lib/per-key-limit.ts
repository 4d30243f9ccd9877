/**
 * A limit of so many actions per key per minute in this process (manual syncs of one
 * subscription, whoever asks), answering how long to wait when it is reached.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export interface PerKeyLimit {
  take(key: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export function perKeyLimit(perMinute: number): PerKeyLimit {
  const limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return { allowed: true };
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        return { allowed: false, retryAfterSeconds: res.msBeforeNext / 1000 };
      }
    },
  };
}
