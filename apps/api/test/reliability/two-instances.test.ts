/**
 * Two API instances on one database, both syncing the same accounts at once while access
 * tokens keep expiring (so every sync has to refresh, and refresh tokens rotate).
 */
import { eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts } from '../../src/db/schema.js';
import { createContext, OPERATOR_TOKEN } from '../support/context.js';
import { requirePostgres } from './support/faults.js';

const ctx = await createContext();
requirePostgres(ctx);
const HOUR = 3_600_000;

function expectedFromSim(simUserId: string) {
  const now = Date.now();
  return ctx.sim.shifts
    .list(simUserId)
    .filter((s) => Date.parse(s.start_time) < now + 60 * 24 * HOUR && Date.parse(s.end_time) > now - 30 * 24 * HOUR)
    .map((s) => JSON.stringify([s.id, `Arbete: ${s.shift_type}`, Date.parse(s.start_time), s.status]))
    .sort();
}

async function calendarOf(accountId: string) {
  const rows = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
  return rows.map((r) => JSON.stringify([r.tempusId, r.title, r.startAt.getTime(), r.status])).sort();
}

describe('two API instances on one database', () => {
  it('never reuses a refresh token, never duplicates an event and loses no update while both sync and refresh', { timeout: 90_000 }, async () => {
    const second = await ctx.buildAnotherApp({ tempus: { instanceId: 'second-instance' } });
    const instances = [ctx.app, second];
    const accounts: { accountId: string; simUserId: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const parent = await ctx.newParent();
      const simUser = ctx.newSimUser();
      for (let d = 0; d < 40; d++) {
        const start = Date.now() + (d - 10) * 24 * HOUR;
        ctx.sim.shifts.add(simUser.id, { shift_type: 'Dag', start_time: new Date(start).toISOString(), end_time: new Date(start + 8 * HOUR).toISOString() });
      }
      accounts.push({ accountId: await ctx.connectTempus(parent.client, simUser), simUserId: simUser.id });
    }
    const accountIds = accounts.map((a) => a.accountId);
    // Access tokens issued from now on are already inside the refresh margin: every sync refreshes.
    ctx.sim.setTokenLifetimes({ accessTokenTtlSeconds: 30 });
    await ctx.database.db.update(tempusAccounts).set({ tokenExpiresAt: new Date(Date.now() - 1_000) }).where(inArray(tempusAccounts.id, accountIds));
    ctx.sim.resetCounters();

    const operatorSync = (appIndex: number, accountId: string) =>
      instances[appIndex]!.inject({
        method: 'POST',
        url: '/api/tempus/sync?wait=true',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
        payload: { accountId },
      });

    for (let round = 0; round < 3; round++) {
      // Tempus changes between rounds; every sync of the round is asked for after the change.
      for (const { simUserId } of accounts) {
        const shifts = ctx.sim.shifts.list(simUserId);
        ctx.sim.shifts.update(shifts[round]!.id, { shift_type: `Kväll ${round}` });
        ctx.sim.shifts.cancel(shifts[round + 10]!.id);
        ctx.sim.shifts.delete(shifts[round + 20]!.id);
        const start = Date.now() + (round + 0.5) * 24 * HOUR;
        ctx.sim.shifts.add(simUserId, { shift_type: `Natt ${round}`, start_time: new Date(start).toISOString(), end_time: new Date(start + 9 * HOUR).toISOString() });
      }
      ctx.sim.clock.advance(1_000);
      await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date(Date.now() - 1_000) }).where(inArray(tempusAccounts.id, accountIds));
      const responses = await Promise.all([
        ...accountIds.flatMap((id) => [operatorSync(0, id), operatorSync(1, id), operatorSync(1, id)]),
        ctx.app.tempus!.service.runDueSyncs(),
        second.tempus!.service.runDueSyncs(),
      ]);
      for (const res of responses) {
        if (typeof res === 'number') continue;
        expect(res.statusCode).toBe(200);
        for (const sync of JSON.parse(res.body).syncs) expect(sync, JSON.stringify(sync)).toMatchObject({ status: 'succeeded' });
      }
      for (const { accountId, simUserId } of accounts) {
        const events = await calendarOf(accountId);
        expect(new Set(events.map((e) => JSON.parse(e)[0])).size, 'one event per shift').toBe(events.length);
        expect(events, `calendar after round ${round}`).toEqual(expectedFromSim(simUserId));
      }
    }

    expect(ctx.sim.counters.refreshes, 'syncs had to refresh').toBeGreaterThan(0);
    expect(ctx.sim.counters.refreshReuseDetected, 'refresh tokens reused').toBe(0);
    const rows = await ctx.database.db.select().from(tempusAccounts).where(inArray(tempusAccounts.id, accountIds));
    expect(rows.map((r) => r.state)).toEqual(['active', 'active', 'active']);
  });
});
