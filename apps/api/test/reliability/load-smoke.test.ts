/**
 * The CI-sized run of the load test (`load/run.ts` runs the same scenario with 200 families
 * for 10 minutes): families on the calendar and settings pages over real HTTP while the
 * scheduler syncs all their accounts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runLoad, summary, violations } from '../../load/scenario.js';
import { createTestDatabase } from '../support/context.js';

const db = await createTestDatabase();
afterAll(() => db.close());

describe('load smoke', () => {
  it('serves 20 families for 20 seconds while every account syncs: no errors, no 5xx, p99 reported, heap not climbing', { timeout: 120_000 }, async () => {
    const report = await runLoad({ database: db.database, families: 20, durationSeconds: 20, connections: 8 });
    console.log(`load smoke\n${summary(report)}`);
    expect(report.requests).toBeGreaterThan(500);
    expect(report.latencyMs.p99).toBeGreaterThan(0);
    expect(report.schedulerPasses).toBeGreaterThanOrEqual(2);
    // Each sample follows a full collection (--expose-gc in vitest.config.ts), but twenty
    // seconds is still a short trend, so the smoke allows more than the soak's 20 MB.
    expect(violations(report, { maxHeapGrowthMB: 60 })).toEqual([]);
  });
});
