import { and, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tempusAccounts, tempusSyncAudit, tempusSyncLog } from '../src/db/schema.js';
import { claimDueAccounts } from '../src/modules/tempus/repository/account-leases.js';
import { SYNC_HISTORY_RETENTION_MS } from '../src/modules/tempus/service.js';
import { createContext, syncNow } from './support/context.js';
import { addDayShifts } from './support/shifts.js';

const ctx = await createContext({ env: { TEMPUS_SYNC_CONCURRENCY: '2' } });

async function dueAccounts(n: number) {
  const parent = await ctx.newParent();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const simUser = ctx.newSimUser(`Förälder ${i}`);
    addDayShifts(ctx.sim, simUser.id, [1]);
    ids.push(await ctx.connectTempus(parent.client, simUser));
  }
  await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date(Date.now() - 1_000) }).where(inArray(tempusAccounts.id, ids));
  return { parent, ids };
}

async function scheduledSyncs(ids: string[]) {
  return ctx.database.db
    .select()
    .from(tempusSyncLog)
    .where(and(inArray(tempusSyncLog.accountId, ids), eq(tempusSyncLog.trigger, 'schedule')));
}

describe('the scheduler', () => {
  it('shares due accounts between two instances on one database, each synced exactly once', async () => {
    const { ids } = await dueAccounts(8);
    const second = await ctx.buildAnotherApp({ tempus: { instanceId: 'second-instance' } });
    const [a, b] = await Promise.all([ctx.app.tempus!.service.runDueSyncs(), second.tempus!.service.runDueSyncs()]);
    expect(a + b).toBe(8);
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    const syncs = await scheduledSyncs(ids);
    expect(syncs.map((s) => s.accountId).sort()).toEqual([...ids].sort());
    expect(syncs.every((s) => s.status === 'succeeded')).toBe(true);
    const after = await ctx.database.db.select().from(tempusAccounts).where(inArray(tempusAccounts.id, ids));
    expect(after.every((r) => r.leaseOwner === null && r.nextSyncAt! > new Date())).toBe(true);
  });

  it('skips disabled accounts and accounts that need a new connection', async () => {
    const { parent, ids } = await dueAccounts(3);
    await parent.client.patch(`/api/tempus/accounts/${ids[0]}`, { syncEnabled: false });
    await ctx.database.db.update(tempusAccounts).set({ state: 'reauth_required' }).where(eq(tempusAccounts.id, ids[1]!));
    expect(await ctx.app.tempus!.service.runDueSyncs()).toBe(1);
    expect((await scheduledSyncs(ids)).map((s) => s.accountId)).toEqual([ids[2]]);
  });

  it('retries a failed account after its backoff, and not before', async () => {
    const { ids } = await dueAccounts(2);
    ctx.sim.faults.fail({ status: 503, body: 'down', path: '/api/v1/schedules', fraction: 1 });
    try {
      await ctx.app.tempus!.service.runDueSyncs();
    } finally {
      ctx.sim.faults.clear();
    }
    const failed = await ctx.database.db.select().from(tempusAccounts).where(inArray(tempusAccounts.id, ids));
    for (const row of failed) {
      expect(row.consecutiveFailures).toBe(1);
      const wait = row.nextSyncAt!.getTime() - Date.now();
      expect(wait).toBeGreaterThan(60_000);
      expect(wait).toBeLessThan(3 * 60_000);
    }
    expect(await ctx.app.tempus!.service.runDueSyncs(), 'nothing is due during the backoff').toBe(0);
    await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date(Date.now() - 1_000) }).where(inArray(tempusAccounts.id, ids));
    expect(await ctx.app.tempus!.service.runDueSyncs()).toBe(2);
    const recovered = await ctx.database.db.select().from(tempusAccounts).where(inArray(tempusAccounts.id, ids));
    expect(recovered.every((r) => r.consecutiveFailures === 0 && r.lastErrorCode === null)).toBe(true);
  });

  it('syncs due accounts in the background once started, and stops cleanly', async () => {
    const { ids } = await dueAccounts(1);
    const scheduled = await ctx.buildAnotherApp({ env: { TEMPUS_SYNC_CRON: '* * * * * *' }, startScheduler: true, tempus: { instanceId: 'cron-instance' } });
    for (let i = 0; i < 100 && (await scheduledSyncs(ids)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    await scheduled.close();
    expect(await scheduledSyncs(ids)).toHaveLength(1);
  });

  it('prunes sync history past its retention with its audit trail, and keeps what is newer', async () => {
    const { parent, ids } = await dueAccounts(1);
    const accountId = ids[0]!;
    await syncNow(parent.client, accountId);
    const [initial] = await ctx.database.db.select().from(tempusSyncLog).where(and(eq(tempusSyncLog.accountId, accountId), eq(tempusSyncLog.syncType, 'initial')));
    expect(await ctx.database.db.select().from(tempusSyncAudit).where(eq(tempusSyncAudit.syncId, initial!.id))).not.toHaveLength(0);
    const aged = new Date(Date.now() - SYNC_HISTORY_RETENTION_MS - 3_600_000);
    await ctx.database.db.update(tempusSyncLog).set({ startedAt: aged, finishedAt: aged }).where(eq(tempusSyncLog.id, initial!.id));

    expect(await ctx.app.tempus!.service.pruneSyncHistory()).toBe(1);
    const left = await ctx.database.db.select().from(tempusSyncLog).where(eq(tempusSyncLog.accountId, accountId));
    expect(left.map((s) => s.syncType)).toEqual(['incremental']);
    expect(await ctx.database.db.select().from(tempusSyncAudit).where(eq(tempusSyncAudit.syncId, initial!.id))).toEqual([]);
    expect(await ctx.app.tempus!.service.pruneSyncHistory()).toBe(0);
  });
});

describe('the order of a background pass', () => {
  it('takes accounts overdue for the slowest cadence first, then the longest due, a shift in the next 48 hours counting as a head start', async () => {
    const { ids } = await dueAccounts(4);
    const [overdue, longDueFar, nearSoon, recentFar] = ids as [string, string, string, string];
    const now = Date.now();
    const minute = 60_000;
    const set = (id: string, values: Partial<typeof tempusAccounts.$inferInsert>) =>
      ctx.database.db.update(tempusAccounts).set(values).where(eq(tempusAccounts.id, id));
    await set(overdue, { nextSyncAt: new Date(now - minute), lastSuccessAt: new Date(now - 7 * 3_600_000), nextShiftAt: null });
    await set(longDueFar, { nextSyncAt: new Date(now - 20 * minute), lastSuccessAt: new Date(now - 40 * minute), nextShiftAt: new Date(now + 10 * 86_400_000) });
    await set(nearSoon, { nextSyncAt: new Date(now - 2 * minute), lastSuccessAt: new Date(now - 20 * minute), nextShiftAt: new Date(now + 20 * 3_600_000) });
    await set(recentFar, { nextSyncAt: new Date(now - 5 * minute), lastSuccessAt: new Date(now - 20 * minute), nextShiftAt: new Date(now + 10 * 86_400_000) });
    const claimed = await ctx.database.db.transaction((tx) =>
      claimDueAccounts(tx, 'order-test', new Date(now), new Date(now + 30_000), 10, {
        overdueBefore: new Date(now - 6 * 3_600_000),
        shiftSoonBefore: new Date(now + 48 * 3_600_000),
        shiftSoonHeadStartMs: 15 * minute,
      }),
    );
    // The near-term account, due 2 minutes, counts as due 17: ahead of the far one due 5, behind the one due 20.
    expect(claimed.filter((id) => ids.includes(id))).toEqual([overdue, longDueFar, nearSoon, recentFar]);
    await ctx.database.db.update(tempusAccounts).set({ leaseOwner: null, leaseExpiresAt: null }).where(inArray(tempusAccounts.id, ids));
  });

  it('takes accounts due at the same instant longest without a sync first, one never synced before all', async () => {
    const { ids } = await dueAccounts(4);
    const [recent, never, oldest, older] = ids as [string, string, string, string];
    const now = Date.now();
    const minute = 60_000;
    const dueAt = new Date(now - minute);
    const set = (id: string, lastSuccessAt: Date | null) =>
      ctx.database.db.update(tempusAccounts).set({ nextSyncAt: dueAt, lastSuccessAt, nextShiftAt: null }).where(eq(tempusAccounts.id, id));
    await set(recent, new Date(now - 2 * minute));
    await set(never, null);
    await set(oldest, new Date(now - 12 * minute));
    await set(older, new Date(now - 7 * minute));
    const claimed = await ctx.database.db.transaction((tx) =>
      claimDueAccounts(tx, 'tie-test', new Date(now), new Date(now + 30_000), 10, {
        overdueBefore: new Date(now - 6 * 3_600_000),
        shiftSoonBefore: new Date(now + 48 * 3_600_000),
        shiftSoonHeadStartMs: 15 * minute,
      }),
    );
    expect(claimed.filter((id) => ids.includes(id))).toEqual([never, oldest, older, recent]);
    await ctx.database.db.update(tempusAccounts).set({ leaseOwner: null, leaseExpiresAt: null }).where(inArray(tempusAccounts.id, ids));
  });
});
