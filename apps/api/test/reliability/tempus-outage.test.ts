/**
 * Tempus down for hours, on the simulator's controllable clock shared with the app: the
 * scheduler's passes run as they would every few minutes, Tempus answers every call with a
 * proxy's HTML 503, and then comes back.
 */
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts, tempusSyncLog } from '../../src/db/schema.js';
import { createContext, type Client } from '../support/context.js';
import { sleep } from './support/faults.js';

const NOW = new Date('2026-05-04T06:00:00Z');
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
// The breaker half-opens after 150 ms of real time, so the compressed hours still see it probe.
const BREAKER_RESET_MS = 150;
const ctx = await createContext({ sim: { startTime: NOW }, simClock: true, tempus: { breaker: { resetTimeout: BREAKER_RESET_MS } } });
const service = ctx.app.tempus!.service;

function shift(day: number, type = 'Dag') {
  const start = new Date(NOW.getTime() + day * 24 * HOUR + HOUR);
  return { shift_type: type, start_time: start.toISOString(), end_time: new Date(start.getTime() + 8 * HOUR).toISOString() };
}

/** One pass of the pacer at the simulated moment: every account that is due, failed ones after their backoff. */
async function schedulerPass() {
  await service.runDueSyncs();
}

describe('Tempus down for hours', () => {
  it('backs off per account, keeps calls to a trickle, keeps the tokens and catches up when Tempus returns', { timeout: 90_000 }, async () => {
    const families: { client: Client; accountId: string; simUserId: string }[] = [];
    for (let i = 0; i < 4; i++) {
      const parent = await ctx.newParent();
      const simUser = ctx.newSimUser();
      ctx.sim.shifts.add(simUser.id, shift(1));
      const accountId = await ctx.connectTempus(parent.client, simUser);
      families.push({ client: parent.client, accountId, simUserId: simUser.id });
    }
    const accountIds = families.map((f) => f.accountId);
    // Every account is due now, as it would be at a scheduler tick.
    await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: ctx.sim.clock.now() }).where(inArray(tempusAccounts.id, accountIds));

    const outageStart = ctx.sim.clock.now();
    ctx.sim.faults.fail({ status: 503, body: '<html><body><h1>503 Service Unavailable</h1></body></html>', fraction: 1 });
    ctx.sim.resetCounters();

    // Five hours of outage, a scheduler pass every simulated five minutes; shifts keep changing.
    const OUTAGE_MINUTES = 5 * 60;
    for (let minute = 0; minute <= OUTAGE_MINUTES; minute += 5) {
      if (minute === 60) for (const f of families) ctx.sim.shifts.add(f.simUserId, shift(2, 'Kväll'));
      await schedulerPass();
      ctx.sim.clock.advance(5 * MINUTE);
      await sleep(BREAKER_RESET_MS / 3);
    }
    const requestsDuringOutage = ctx.sim.requests.length;

    const attempts = await ctx.database.db
      .select({ accountId: tempusSyncLog.accountId, status: tempusSyncLog.status, startedAt: tempusSyncLog.startedAt })
      .from(tempusSyncLog)
      .where(inArray(tempusSyncLog.accountId, accountIds));
    const during = attempts.filter((a) => a.startedAt >= outageStart);
    for (const accountId of accountIds) {
      const mine = during.filter((a) => a.accountId === accountId).map((a) => a.startedAt.getTime()).sort((a, b) => a - b);
      expect(mine.length, 'every account keeps being tried').toBeGreaterThanOrEqual(3);
      // Exponential backoff: a handful of attempts in five hours, the gaps growing to an hour and more.
      expect(mine.length, 'attempts of one account in five hours').toBeLessThanOrEqual(10);
      const gaps = mine.slice(1).map((t, i) => t - mine[i]!);
      expect(Math.max(...gaps)).toBeGreaterThanOrEqual(HOUR);
      expect(gaps.at(-1)!).toBeGreaterThanOrEqual(gaps[0]!);
    }
    expect(during.every((a) => a.status === 'failed')).toBe(true);
    // The breaker and the backoff keep Tempus's load to a trickle: a few calls per account-hour.
    expect(requestsDuringOutage, 'requests Tempus saw during the outage').toBeLessThanOrEqual(accountIds.length * 5 * 4);

    const rows = await ctx.database.db.select().from(tempusAccounts).where(inArray(tempusAccounts.id, accountIds));
    for (const row of rows) {
      // An outage is not a revoked grant: the parent is never asked to reconnect because of it.
      expect(row.state).toBe('active');
      expect(row.refreshTokenEnc).toBeTruthy();
      expect(row.consecutiveFailures).toBeGreaterThanOrEqual(3);
      expect(row.lastErrorCode).toMatch(/unavailable|circuit_open/);
      expect(row.nextSyncAt!.getTime()).toBeGreaterThan(ctx.sim.clock.now().getTime() - 5 * MINUTE);
    }
    // The first synced shift is still in every calendar.
    for (const f of families) {
      const events = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, f.accountId));
      expect(events.map((e) => e.title)).toEqual(['Arbete: Dag']);
    }

    // Tempus returns. Within the longest backoff every account has caught up.
    ctx.sim.faults.clear();
    await sleep(BREAKER_RESET_MS * 2);
    const recoveredAt = ctx.sim.clock.now().getTime();
    for (let minute = 0; minute <= 7 * 60; minute += 5) {
      await schedulerPass();
      const synced = await ctx.database.db.select({ failures: tempusAccounts.consecutiveFailures }).from(tempusAccounts).where(inArray(tempusAccounts.id, accountIds));
      if (synced.every((s) => s.failures === 0)) break;
      ctx.sim.clock.advance(5 * MINUTE);
      await sleep(BREAKER_RESET_MS / 3);
    }
    expect(ctx.sim.clock.now().getTime() - recoveredAt, 'time to catch up').toBeLessThanOrEqual(6 * HOUR + 10 * MINUTE);
    for (const f of families) {
      const status = await f.client.get('/api/tempus/status');
      const account = status.body.accounts[0];
      expect(account).toMatchObject({ state: 'active', lastError: null, eventCount: 2 });
      expect(account.recentSyncs[0]).toMatchObject({ status: 'succeeded' });
    }
    expect(ctx.sim.counters.refreshReuseDetected).toBe(0);
  });
});
