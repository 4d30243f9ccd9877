/**
 * Disconnecting: when the parent hears back, what stays owed to Tempus, and a Tempus user
 * connected in two families (two households).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusPendingRevocations } from '../src/db/schema.js';
import { createContext } from './support/context.js';
import { addDayShifts } from './support/shifts.js';

const ctx = await createContext();

async function owedRevocations() {
  return ctx.database.db.select().from(tempusPendingRevocations);
}

describe('DELETE /api/tempus/disconnect', () => {
  it('answers once Tempus has confirmed the revocation, owing nothing', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    const before = ctx.sim.counters.revocations;
    expect((await parent.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(204);
    // Confirmed before the answer, not later in the background.
    expect(ctx.sim.counters.revocations).toBe(before + 1);
    expect(await owedRevocations()).toEqual([]);
  });

  it('answers within about three seconds while Tempus hangs, and owes the revocation to the minute job', { timeout: 30_000 }, async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    const before = ctx.sim.counters.revocations;
    ctx.sim.faults.latency(20_000, '/oauth/revoke');
    let ms: number;
    try {
      const started = performance.now();
      expect((await parent.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(204);
      ms = performance.now() - started;
    } finally {
      ctx.sim.faults.clear();
    }
    expect(ms).toBeLessThan(5_000);
    expect((await parent.client.get('/api/tempus/status')).body.accounts, 'the local data went at once').toEqual([]);
    const owed = await owedRevocations();
    expect(owed).toHaveLength(1);
    // The minute job sends it once its retry time has come.
    await ctx.database.db.update(tempusPendingRevocations).set({ nextAttemptAt: new Date(0) });
    await ctx.app.scheduler.run('tempus-revocations');
    expect(await owedRevocations()).toEqual([]);
    expect(ctx.sim.counters.revocations).toBeGreaterThan(before);
  });

  it('keeps the grant of a Tempus user whom another family still holds, and revokes it when the last family disconnects', async () => {
    const simUser = ctx.newSimUser('Karin Persson');
    addDayShifts(ctx.sim, simUser.id, [1, 2]);
    const first = await ctx.newParent('Karin Persson');
    const second = await ctx.newParent('Karin Persson');
    const firstAccount = await ctx.connectTempus(first.client, simUser);
    const secondAccount = await ctx.connectTempus(second.client, simUser);
    const before = ctx.sim.counters.revocations;

    expect((await first.client.delete(`/api/tempus/disconnect?accountId=${firstAccount}`)).status).toBe(204);
    expect(ctx.sim.counters.revocations, 'the other household still holds the grant').toBe(before);
    const [sync] = (await second.client.post('/api/tempus/sync?wait=true', { accountId: secondAccount })).body.syncs;
    expect(sync).toMatchObject({ status: 'succeeded' });
    const status = (await second.client.get('/api/tempus/status')).body.accounts[0];
    expect(status).toMatchObject({ state: 'active', eventCount: 2 });

    expect((await second.client.delete(`/api/tempus/disconnect?accountId=${secondAccount}`)).status).toBe(204);
    expect(ctx.sim.counters.revocations).toBe(before + 1);
    expect(await owedRevocations()).toEqual([]);
  });

  it('never owes anything for a disconnect whose account is already gone', async () => {
    const parent = await ctx.newParent();
    const accountId = await ctx.connectTempus(parent.client, ctx.newSimUser());
    expect((await parent.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(204);
    expect((await parent.client.delete(`/api/tempus/disconnect?accountId=${accountId}`)).status).toBe(404);
    expect((await ctx.database.db.select().from(tempusPendingRevocations).where(eq(tempusPendingRevocations.attempts, 0)))).toEqual([]);
  });
});
