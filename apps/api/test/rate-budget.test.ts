/**
 * The outgoing request budget towards Tempus is one budget for every API instance on the
 * database. Two budgets over two connection pools of one database (two processes, as far
 * as PostgreSQL can tell) must together stay within the configured rate beyond one burst;
 * background requests leave the interactive reserve free and never get ahead of
 * interactive ones; the hourly quota is planned for; blocks from Tempus last at most an hour.
 *
 * Timing is only ever asserted as a lower bound counted from before the first request, or
 * as an order: a loaded machine delays grants, which can only make them later, never earlier.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { sql } from 'drizzle-orm';
import { createRateBudget, MAX_BLOCK_MS, type BudgetLimits, type Lane, type RateBudget } from '../src/modules/tempus/rate-budget.js';
import { TempusError } from '../src/modules/tempus/types.js';
import { createTestDatabase } from './support/context.js';

const RATE_PER_SECOND = 5;
/** The budget lets two seconds' worth of requests through at once (at most 16, below Tempus's 20). */
const BURST = 2 * RATE_PER_SECOND;
const limits = (overrides: Partial<BudgetLimits> = {}): BudgetLimits => ({
  ratePerSecond: RATE_PER_SECOND,
  quotaPerHour: 1_000_000,
  interactiveReserve: 0.2,
  ...overrides,
});
/** Timer and clock granularity between PostgreSQL and Node, in seconds. */
const TOLERANCE_S = 0.05;

let testDatabase: Awaited<ReturnType<typeof createTestDatabase>>;
let second: Database;

beforeAll(async () => {
  testDatabase = await createTestDatabase();
  // On PostgreSQL a second pool is a second client of the database; embedded PGlite has
  // a single connection, so there both budgets share it.
  second = testDatabase.url ? openDatabase({ url: testDatabase.url }) : testDatabase.database;
});

afterAll(async () => {
  if (second !== testDatabase.database) await second.close();
  await testDatabase.close();
});

/** A fresh budget: every test starts from full buckets and no block. */
async function resetBudget() {
  await testDatabase.database.db.execute(sql`delete from tempus_rate_budget`);
}

/** Starts `count` concurrent acquisitions on each budget; returns each grant's time in seconds after `t0`, by budget. */
async function acquireConcurrently(budgets: RateBudget[], count: number, t0: number, lane: Lane = 'interactive'): Promise<number[][]> {
  return Promise.all(
    budgets.map((budget) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          await budget.acquire({ lane });
          return (performance.now() - t0) / 1000;
        }),
      ),
    ),
  );
}

describe('the shared Tempus rate budget', () => {
  it('keeps two instances on one database together within the rate beyond the burst', { timeout: 30_000 }, async () => {
    await resetBudget();
    const budgets = [createRateBudget(testDatabase.database.db, limits()), createRateBudget(second.db, limits())];
    const perInstance = 15;
    const total = perInstance * budgets.length;

    const t0 = performance.now();
    const grants = await acquireConcurrently(budgets, perInstance, t0);
    const elapsed = (performance.now() - t0) / 1000;

    expect(grants.map((g) => g.length)).toEqual([perInstance, perInstance]);
    // However the grants fell between the instances, the k-th grant overall cannot come
    // before (k - burst) / rate: no window starting at t0 holds more than burst + rate × window.
    const sorted = grants.flat().sort((a, b) => a - b);
    sorted.forEach((at, i) => {
      const k = i + 1;
      expect(at, `grant ${k} of ${total}`).toBeGreaterThanOrEqual((k - BURST) / RATE_PER_SECOND - TOLERANCE_S);
    });
    expect(elapsed).toBeGreaterThanOrEqual((total - BURST) / RATE_PER_SECOND - TOLERANCE_S);
    // Nor does sharing starve anyone: both instances were served while the budget drained.
    expect(Math.min(...grants.map((g) => Math.min(...g)))).toBeLessThan((total - BURST) / RATE_PER_SECOND);
    // A loose upper bound: waits are computed, not polled, so the run is not far past the minimum.
    expect(elapsed).toBeLessThan((total - BURST) / RATE_PER_SECOND + 10);
  });

  it('paces background requests at the rate less the interactive reserve', { timeout: 30_000 }, async () => {
    await resetBudget();
    const reserve = 0.5;
    const budget = createRateBudget(testDatabase.database.db, limits({ interactiveReserve: reserve }));
    const count = 8;
    const t0 = performance.now();
    const [grants] = await acquireConcurrently([budget], count, t0, 'background');
    // The background lane holds one token: the k-th grant comes no sooner than (k - 1) / (rate × (1 - reserve)).
    const sorted = grants!.sort((a, b) => a - b);
    sorted.forEach((at, i) => {
      expect(at, `background grant ${i + 1}`).toBeGreaterThanOrEqual(i / (RATE_PER_SECOND * (1 - reserve)) - TOLERANCE_S);
    });
  });

  it('serves an interactive request before background requests that were waiting', { timeout: 30_000 }, async () => {
    await resetBudget();
    const budget = createRateBudget(testDatabase.database.db, limits({ interactiveReserve: 0.5 }));
    // Spend the whole burst, so everyone has to wait for the next token.
    await Promise.all(Array.from({ length: BURST }, () => budget.acquire({ lane: 'interactive' })));
    const order: string[] = [];
    const background = Array.from({ length: 3 }, (_, i) => budget.acquire({ lane: 'background' }).then(() => order.push(`background ${i}`)));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const interactive = budget.acquire({ lane: 'interactive' }).then(() => order.push('interactive'));
    await Promise.all([interactive, ...background]);
    expect(order[0]).toBe('interactive');
  });

  it('plans for the hourly quota: past its burst an interactive request that would wait too long is refused with when to come back', async () => {
    await resetBudget();
    const quotaPerHour = 360;
    const budget = createRateBudget(testDatabase.database.db, limits({ ratePerSecond: 1000, quotaPerHour }));
    const hourBurst = quotaPerHour / 10;
    for (let i = 0; i < hourBurst; i++) await budget.acquire({ lane: 'interactive', maxWaitMs: 100 });
    const before = Date.now();
    const refused = await budget.acquire({ lane: 'interactive', maxWaitMs: 100 }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(TempusError);
    expect((refused as TempusError).code).toBe('tempus_rate_limited');
    // The rest of the quota is spread over the hour: one request per 3600 / (360 - 36) s = 11.1 s.
    const retryInMs = (refused as TempusError).retryAt!.getTime() - before;
    expect(retryInMs).toBeGreaterThan(10_000);
    expect(retryInMs).toBeLessThan(12_000);
  });

  it('honours a block from Tempus for at most one hour, however long Tempus asked for', async () => {
    await resetBudget();
    const budget = createRateBudget(testDatabase.database.db, limits());
    const before = Date.now();
    await budget.blockUntil(new Date(before + 24 * 3_600_000));
    for (const lane of ['interactive', 'background'] as const) {
      const refused = (await budget.acquire({ lane, maxWaitMs: 10_000 }).then(() => undefined, (err: unknown) => err)) as TempusError;
      expect(refused.code, lane).toBe('tempus_rate_limited');
      const retryInMs = refused.retryAt!.getTime() - before;
      expect(retryInMs, lane).toBeGreaterThan(MAX_BLOCK_MS - 60_000);
      expect(retryInMs, lane).toBeLessThanOrEqual(MAX_BLOCK_MS + 5_000);
    }
  });

  it('stops waiting when the caller calls it off', async () => {
    await resetBudget();
    const budget = createRateBudget(testDatabase.database.db, limits());
    await budget.blockUntil(new Date(Date.now() + 5_000));
    const controller = new AbortController();
    const waiting = budget.acquire({ lane: 'interactive', maxWaitMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('closing')), 50);
    await expect(waiting).rejects.toThrow('closing');
  });
});
