/**
 * The one outgoing request budget towards Tempus, shared by every API instance on the same
 * database: Tempus limits the client application as a whole (10 requests/s with a burst of
 * 20, and an hourly quota), not each process. Both limits are planned for, not only
 * reacted to.
 *
 * One row holds four token buckets, refilled from the time elapsed at every use:
 * - per second: the whole budget (TEMPUS_RATE_LIMIT_RPS, a burst of two seconds' worth, at
 *   most 16 of Tempus's 20), and a background lane of (1 − reserve) of that rate;
 * - per hour: the whole quota, with a burst of a tenth of it and the rest spread evenly so
 *   that no hour holds more than the quota, and a background lane of (1 − reserve) of it.
 * Interactive requests (a connect, "Synka nu", a disconnect's revocation) take from the
 * whole budget and may reserve ahead (they queue in order); background requests take from
 * both and only when there is a token now, so they never get ahead of interactive ones and
 * always leave the reserve free. A `blocked_until` set from Tempus's 429 / Retry-After or
 * `X-RateLimit-Remaining: 0` pauses every instance at once; no block lasts past one hour.
 */
import { sql } from 'drizzle-orm';
import { rowsOf, type Db } from '../../db/client.js';
import { sleep } from '../../lib/sleep.js';
import { TempusError } from './types.js';

const BUCKET_ID = 'tempus';
/** Tempus's burst is 20; ours stays below it whatever the configured rate. */
const MAX_SECOND_BURST = 16;
/** No block from Tempus is honoured for longer than this (the contract). */
export const MAX_BLOCK_MS = 3_600_000;
/** A background request that would wait longer gives up; its sync is tried again later. */
const BACKGROUND_MAX_WAIT_MS = 30_000;
/** Background requests look again at most this often while the budget is spent. */
const BACKGROUND_POLL_MS = 1_000;

export type Lane = 'interactive' | 'background';

export interface AcquireOptions {
  lane: Lane;
  /** Interactive only: give up (TempusError tempus_rate_limited) rather than wait longer than this. */
  maxWaitMs?: number;
  signal?: AbortSignal;
}

export interface RateBudget {
  /** Resolves when one request may be sent now; throws `tempus_rate_limited` (with its retry time) when that is too far off. */
  acquire(options: AcquireOptions): Promise<void>;
  /** Nobody sends before `until` (a 429's Retry-After, or an exhausted quota); at most one hour ahead. */
  blockUntil(until: Date): Promise<void>;
}

export interface BudgetLimits {
  ratePerSecond: number;
  quotaPerHour: number;
  /** Share (0–0.9) of both budgets that background requests leave free. */
  interactiveReserve: number;
}

export function createRateBudget(db: Db, limits: BudgetLimits): RateBudget {
  const rps = limits.ratePerSecond;
  const secondCap = Math.max(1, Math.min(2 * rps, MAX_SECOND_BURST));
  const hourCap = Math.max(1, Math.floor(limits.quotaPerHour / 10));
  const perHourRate = (limits.quotaPerHour - hourCap) / 3600;
  const background = 1 - limits.interactiveReserve;
  const rates = { sec: rps, bgSec: rps * background, hour: perHourRate, bgHour: perHourRate * background };

  async function step(lane: Lane, maxWaitMs: number): Promise<{ granted: boolean; waitMs: number }> {
    const result = await db.execute(sql`
      with cur as (
        select id,
               least(${secondCap}::float8, tokens + e * ${rates.sec}::float8) as sec,
               least(1::float8, bg_tokens + e * ${rates.bgSec}::float8) as bg_sec,
               least(${hourCap}::float8, hour_tokens + e * ${rates.hour}::float8) as hour,
               least(1::float8, bg_hour_tokens + e * ${rates.bgHour}::float8) as bg_hour,
               least(${MAX_BLOCK_MS}::float8, greatest(0, coalesce(extract(epoch from blocked_until - now_) * 1000, 0))) as blocked_ms
        from (select *, clock_timestamp() as now_, extract(epoch from clock_timestamp() - refilled_at) as e
              from tempus_rate_budget where id = ${BUCKET_ID} for update) b
      ), decision as (
        select cur.*,
               case when ${lane} = 'interactive'
                 then greatest(greatest(0, 1 - sec) / ${rates.sec}::float8 * 1000,
                               greatest(0, 1 - hour) / ${rates.hour}::float8 * 1000, blocked_ms)
                 else greatest(greatest(0, 1 - sec) / ${rates.sec}::float8 * 1000,
                               greatest(0, 1 - bg_sec) / ${rates.bgSec}::float8 * 1000,
                               greatest(0, 1 - hour) / ${rates.hour}::float8 * 1000,
                               greatest(0, 1 - bg_hour) / ${rates.bgHour}::float8 * 1000, blocked_ms)
               end as wait_ms
        from cur
      ), granted as (
        select decision.*,
               case when ${lane} = 'interactive' then wait_ms <= ${maxWaitMs}::float8 else wait_ms = 0 end as ok
        from decision
      )
      update tempus_rate_budget t set
        tokens = g.sec - case when g.ok then 1 else 0 end,
        hour_tokens = g.hour - case when g.ok then 1 else 0 end,
        bg_tokens = g.bg_sec - case when g.ok and ${lane} = 'background' then 1 else 0 end,
        bg_hour_tokens = g.bg_hour - case when g.ok and ${lane} = 'background' then 1 else 0 end,
        refilled_at = clock_timestamp()
      from granted g where t.id = g.id
      returning g.ok as granted, g.wait_ms as wait_ms`);
    const row = rowsOf<{ granted: boolean; wait_ms: number | string }>(result)[0];
    if (!row) {
      await db.execute(sql`
        insert into tempus_rate_budget (id, tokens, bg_tokens, hour_tokens, bg_hour_tokens, refilled_at)
        values (${BUCKET_ID}, ${secondCap}, 1, ${hourCap}, 1, clock_timestamp())
        on conflict (id) do nothing`);
      return step(lane, maxWaitMs);
    }
    return { granted: row.granted, waitMs: Number(row.wait_ms) };
  }

  function rateLimited(waitMs: number): TempusError {
    return new TempusError('tempus_rate_limited', 'Tempus limits how often it may be asked; the sync will be tried again when it allows', {
      retryAt: new Date(Date.now() + waitMs),
    });
  }

  return {
    async acquire({ lane, maxWaitMs = MAX_BLOCK_MS, signal }) {
      const limit = lane === 'interactive' ? maxWaitMs : BACKGROUND_MAX_WAIT_MS;
      for (;;) {
        signal?.throwIfAborted();
        const { granted, waitMs } = await step(lane, limit);
        if (granted) {
          if (waitMs > 0) await sleep(waitMs, signal);
          return;
        }
        if (waitMs > limit) throw rateLimited(waitMs);
        // A background request is only granted a token that is there now: look again soon.
        await sleep(Math.min(waitMs, BACKGROUND_POLL_MS) + Math.random() * 20, signal);
      }
    },

    async blockUntil(until) {
      await db.execute(sql`
        insert into tempus_rate_budget (id, tokens, bg_tokens, hour_tokens, bg_hour_tokens, refilled_at, blocked_until)
        values (${BUCKET_ID}, ${secondCap}, 1, ${hourCap}, 1, clock_timestamp(),
                least(${until.toISOString()}::timestamptz, clock_timestamp() + ${`${MAX_BLOCK_MS} milliseconds`}::interval))
        on conflict (id) do update set
          blocked_until = least(greatest(coalesce(tempus_rate_budget.blocked_until, '-infinity'), excluded.blocked_until),
                                clock_timestamp() + ${`${MAX_BLOCK_MS} milliseconds`}::interval)`);
    },
  };
}
