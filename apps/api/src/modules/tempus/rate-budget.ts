/**
 * The one outgoing request budget towards Tempus, shared by every API instance on the
 * same database: Tempus limits the client application as a whole, not each process.
 *
 * It is a reservation-style token bucket kept in one row: each request takes a token in
 * a single UPDATE and, if the bucket has run dry, waits for the moment its token will
 * have been refilled. A `blocked_until` set from Tempus's 429 / Retry-After or
 * `X-RateLimit-Remaining: 0` pauses every instance at once.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';

const BUCKET_ID = 'tempus';

export interface RateBudget {
  /** Resolves when one request may be sent now. */
  acquire(): Promise<void>;
  /** Nobody sends before `until` (a 429's Retry-After, or an exhausted quota). */
  blockUntil(until: Date): Promise<void>;
}

export function createRateBudget(db: Db, ratePerSecond: number, sleep = defaultSleep): RateBudget {
  // One second's worth of burst keeps the average at the configured rate while letting an
  // idle fleet start at once; Tempus's own burst (20) is larger.
  const capacity = Math.max(1, ratePerSecond);

  return {
    async acquire() {
      const result = await db.execute(sql`
        insert into tempus_rate_budget (id, tokens, refilled_at)
        values (${BUCKET_ID}, ${capacity - 1}, clock_timestamp())
        on conflict (id) do update set
          tokens = least(${capacity}::float8,
                         tempus_rate_budget.tokens
                           + extract(epoch from clock_timestamp() - tempus_rate_budget.refilled_at) * ${ratePerSecond}::float8) - 1,
          refilled_at = clock_timestamp()
        returning greatest(
          case when tokens < 0 then -tokens / ${ratePerSecond}::float8 * 1000 else 0 end,
          coalesce(extract(epoch from blocked_until - clock_timestamp()) * 1000, 0)
        ) as wait_ms`);
      const waitMs = Number((result as unknown as { rows: { wait_ms: number | string }[] }).rows[0]?.wait_ms ?? 0);
      if (waitMs > 0) await sleep(waitMs);
    },

    async blockUntil(until) {
      await db.execute(sql`
        insert into tempus_rate_budget (id, tokens, refilled_at, blocked_until)
        values (${BUCKET_ID}, ${capacity}, clock_timestamp(), ${until.toISOString()}::timestamptz)
        on conflict (id) do update set
          blocked_until = greatest(coalesce(tempus_rate_budget.blocked_until, '-infinity'), excluded.blocked_until)`);
    },
  };
}

function defaultSleep(ms: number) {
  return new Promise<void>((resolve) => setTimeout(resolve, ms));
}
