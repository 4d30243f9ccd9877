/**
 * Limits of so many uses per key in a time window (failed sign-ins of one visitor, events
 * one member creates, manual syncs of one account), counted in the database so that every
 * instance of the API enforces the same count and no flood of fresh keys in one process
 * resets it. Keys are stored as SHA-256 digests: the table holds no e-mail or IP address.
 */
import { createHash } from 'node:crypto';
import { lt } from 'drizzle-orm';
import fp from 'fastify-plugin';
import { RateLimiterDrizzle, RateLimiterRes } from 'rate-limiter-flexible';
import { rateLimits } from '../db/schema.js';

export type LimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface Limit {
  /** Counts one use of `key`; refused once the window's uses are spent (a refused use does not extend the window). */
  take(key: string): Promise<LimitVerdict>;
  /** Gives one use of `key` back (an attempt counted first that turned out not to count). */
  refund(key: string): Promise<void>;
  /** Forgets what `key` used (a successful sign-in clears the failures before it). */
  reset(key: string): Promise<void>;
}

export interface LimitSpec {
  /** Names the limit; two limits with different names never share a count. */
  name: string;
  /** Uses allowed per window. */
  points: number;
  windowSeconds: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    limit(spec: LimitSpec): Limit;
  }
}

const PRUNE_AFTER_MS = 3_600_000;
const digest = (value: string) => createHash('sha256').update(value).digest('base64url');

export default fp(
  async (app) => {
    app.decorate('limit', ({ name, points, windowSeconds }: LimitSpec): Limit => {
      const limiter = new RateLimiterDrizzle({
        storeClient: app.db,
        schema: rateLimits,
        keyPrefix: name,
        points,
        duration: windowSeconds,
        clearExpiredByTimeout: false,
      });
      const retryAfter = (res: RateLimiterRes) => ({ allowed: false as const, retryAfterSeconds: Math.max(1, res.msBeforeNext / 1000) });
      return {
        async take(key) {
          try {
            await limiter.consume(digest(key));
            return { allowed: true };
          } catch (res) {
            if (!(res instanceof RateLimiterRes)) throw res;
            return retryAfter(res);
          }
        },
        async refund(key) {
          await limiter.reward(digest(key), 1);
        },
        async reset(key) {
          await limiter.delete(digest(key));
        },
      };
    });

    app.scheduler.add('limits-prune', '17 * * * *', async () => {
      const removed = await app.db
        .delete(rateLimits)
        .where(lt(rateLimits.expire, new Date(Date.now() - PRUNE_AFTER_MS)))
        .returning({ key: rateLimits.key });
      return { removed: removed.length };
    });
  },
  { name: 'limits', dependencies: ['database', 'scheduler'] },
);
