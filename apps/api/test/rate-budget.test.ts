/**
 * The outgoing request budget towards Tempus is one budget for every API instance on the
 * database. Two budgets over two connection pools of one database (two processes, as far
 * as PostgreSQL can tell) must together stay within the configured rate beyond one burst.
 *
 * Timing is only ever asserted as a lower bound counted from before the first request:
 * a loaded machine delays grants, which can only make them later, never earlier.
 */
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { createRateBudget, type RateBudget } from '../src/modules/tempus/rate-budget.js';
import { createTestDatabase } from './support/context.js';

const RATE_PER_SECOND = 5;
/** The budget lets one second's worth of requests through at once. */
const BURST = RATE_PER_SECOND;
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

/** Starts `count` concurrent acquisitions on each budget; returns each grant's time in seconds after `t0`, by budget. */
async function acquireConcurrently(budgets: RateBudget[], count: number, t0: number): Promise<number[][]> {
  return Promise.all(
    budgets.map((budget) =>
      Promise.all(
        Array.from({ length: count }, async () => {
          await budget.acquire();
          return (performance.now() - t0) / 1000;
        }),
      ),
    ),
  );
}

describe('the shared Tempus rate budget', () => {
  it('keeps two instances on one database together within the rate beyond the burst', { timeout: 30_000 }, async () => {
    const budgets = [createRateBudget(testDatabase.database.db, RATE_PER_SECOND), createRateBudget(second.db, RATE_PER_SECOND)];
    const perInstance = 10;
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
});
