import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts } from '../src/db/schema.js';
import { calendar, createContext, syncNow } from './support/context.js';
import { auditOf } from './support/syncs.js';

// Tempus and the app share a controlled clock a week before the spring DST change.
const NOW = new Date('2026-03-22T09:00:00Z');
const ctx = await createContext({ sim: { startTime: NOW }, simClock: true });
const now = () => ctx.sim.clock.now();

async function connected(shifts: Parameters<typeof ctx.sim.shifts.add>[1][] = []) {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  const added = shifts.map((s) => ctx.sim.shifts.add(simUser.id, s));
  const accountId = await ctx.connectTempus(parent.client, simUser);
  const status = await parent.client.get('/api/tempus/status');
  const initial = status.body.accounts.find((a: { id: string }) => a.id === accountId).recentSyncs[0];
  return { ...parent, simUser, accountId, added, initial };
}

const tempusEvents = async (client: Parameters<typeof calendar>[0]) =>
  (await calendar(client, now())).filter((e) => e.source === 'tempus');

async function forceFullSyncNext(accountId: string) {
  await ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: new Date(now().getTime() - 25 * 3_600_000) }).where(eq(tempusAccounts.id, accountId));
}

describe('initial sync', () => {
  it('maps each shift to a read-only calendar event at the exact instants, DST and overnight included', async () => {
    const { client, user, accountId, initial: sync } = await connected([
      { shift_type: 'Natt', start_time: '2026-03-28T22:00:00+01:00', end_time: '2026-03-29T07:00:00+02:00', location: 'Akademiska sjukhuset, avd 30', note: 'Ta med passerkort' },
      { shift_type: 'Kväll', start_time: '2026-03-24T14:30:00+01:00', end_time: '2026-03-24T22:00:00+01:00', status: 'cancelled' },
    ]);
    expect(sync).toMatchObject({ accountId, type: 'initial', trigger: 'connect', status: 'succeeded', created: 2, updated: 0, deleted: 0, error: null });

    const events = await tempusEvents(client);
    expect(events).toHaveLength(2);
    const night = events.find((e) => e.title === 'Arbete: Natt')!;
    expect(night).toMatchObject({
      startDate: '2026-03-28T21:00:00.000Z',
      endDate: '2026-03-29T05:00:00.000Z',
      allDay: false,
      source: 'tempus',
      editable: false,
      status: 'scheduled',
      location: 'Akademiska sjukhuset, avd 30',
      note: 'Ta med passerkort',
      ownerUserId: user.id,
      tempusAccountId: accountId,
    });
    // 22:00 CET to 07:00 CEST is eight hours of work, not nine.
    expect(Date.parse(night.endDate) - Date.parse(night.startDate)).toBe(8 * 3_600_000);
    expect(events.find((e) => e.title === 'Arbete: Kväll')).toMatchObject({ status: 'cancelled' });
  });

  it('pages to the end of a long listing', async () => {
    const shifts = Array.from({ length: 1_100 }, (_, i) => {
      const start = new Date(NOW.getTime() - 20 * 86_400_000 + i * 3_600_000);
      return { shift_type: 'Jour', start_time: start.toISOString(), end_time: new Date(start.getTime() + 1_800_000).toISOString() };
    });
    const { initial } = await connected(shifts);
    expect(initial).toMatchObject({ status: 'succeeded', fetched: 1_100, created: 1_100, requests: 3 });
  });

  it('leaves shifts outside the sync window out', async () => {
    const { initial } = await connected([
      { shift_type: 'Dag', start_time: '2026-01-05T07:00:00+01:00', end_time: '2026-01-05T15:30:00+01:00' },
      { shift_type: 'Dag', start_time: '2026-09-05T07:00:00+02:00', end_time: '2026-09-05T15:30:00+02:00' },
      { shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' },
    ]);
    expect(initial.created).toBe(1);
  });
});

describe('incremental sync', () => {
  it('costs one request and writes nothing when nothing changed', async () => {
    const { client, accountId } = await connected([{ shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' }]);
    const before = await tempusEvents(client);
    const [again] = await syncNow(client, accountId);
    expect(again).toMatchObject({ type: 'incremental', status: 'succeeded', fetched: 0, created: 0, updated: 0, deleted: 0, requests: 1 });
    expect(await tempusEvents(client)).toEqual(before);
  });

  it('brings in added, moved, cancelled and deleted shifts, counting each once', async () => {
    const { client, accountId, simUser, added } = await connected([
      { shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' },
      { shift_type: 'Kväll', start_time: '2026-03-26T14:30:00+01:00', end_time: '2026-03-26T22:00:00+01:00' },
      { shift_type: 'Natt', start_time: '2026-03-27T21:30:00+01:00', end_time: '2026-03-28T07:15:00+01:00' },
    ]);
    ctx.sim.clock.advance(60_000);
    ctx.sim.shifts.update(added[0]!.id, { start_time: '2026-03-25T08:00:00+01:00', end_time: '2026-03-25T16:30:00+01:00' });
    ctx.sim.shifts.cancel(added[1]!.id);
    ctx.sim.shifts.delete(added[2]!.id);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Helg', start_time: '2026-03-29T08:00:00+02:00', end_time: '2026-03-29T16:00:00+02:00' });

    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ type: 'incremental', status: 'succeeded', created: 1, updated: 2, deleted: 1 });
    const events = await tempusEvents(client);
    expect(events.map((e) => [e.title, e.startDate, e.status])).toEqual([
      ['Arbete: Dag', '2026-03-25T07:00:00.000Z', 'scheduled'],
      ['Arbete: Kväll', '2026-03-26T13:30:00.000Z', 'cancelled'],
      ['Arbete: Helg', '2026-03-29T06:00:00.000Z', 'scheduled'],
    ]);
  });

  it('follows a shift moved out of the sync window instead of keeping its old copy', async () => {
    const { client, accountId, added } = await connected([
      { shift_type: 'Dag', start_time: '2026-03-01T08:00:00+01:00', end_time: '2026-03-01T09:00:00+01:00' },
    ]);
    ctx.sim.clock.advance(60_000);
    ctx.sim.shifts.update(added[0]!.id, { start_time: '2026-02-10T08:00:00+01:00', end_time: '2026-02-10T09:00:00+01:00' });

    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ type: 'incremental', status: 'succeeded', updated: 1, requests: 1 });
    const inWindow = await tempusEvents(client);
    expect(inWindow).toEqual([]);
    const moved = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(moved.map((e) => e.startAt.toISOString())).toEqual(['2026-02-10T07:00:00.000Z']);
  });

  it('restarts the listing when Tempus rejects the cursor and still converges', async () => {
    const shifts = Array.from({ length: 600 }, (_, i) => {
      const start = new Date(NOW.getTime() + i * 2 * 3_600_000);
      return { shift_type: 'Beredskap', start_time: start.toISOString(), end_time: new Date(start.getTime() + 3_600_000).toISOString() };
    });
    const { client, accountId, simUser } = await connected();
    shifts.forEach((s) => ctx.sim.shifts.add(simUser.id, s));
    ctx.sim.faults.fail({ status: 400, body: '{"error":"invalid_cursor"}', contentType: 'application/json', path: '/api/v1/schedules', count: 1 });
    const [sync] = await syncNow(client, accountId);
    // One refused page, then the listing again from its first page: two pages.
    expect(sync).toMatchObject({ status: 'succeeded', created: 600, requests: 3 });
  });
});

describe('no duplicates, Tempus is the source of truth', () => {
  it('never duplicates events across repeated and concurrent syncs of the same account', async () => {
    const { client, accountId } = await connected([
      { shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' },
      { shift_type: 'Natt', start_time: '2026-03-28T22:00:00+01:00', end_time: '2026-03-29T07:00:00+02:00' },
    ]);
    const second = await ctx.buildAnotherApp();
    const other = await second.inject({ method: 'POST', url: '/api/tempus/sync?wait=true', headers: { cookie: client.cookie! }, payload: { accountId } });
    await Promise.all([syncNow(client, accountId), syncNow(client, accountId), other]);
    await forceFullSyncNext(accountId);
    await syncNow(client, accountId);
    const rows = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(rows).toHaveLength(2);
  });

  it('restores a synced event changed behind the API and records it as restored in the audit trail', async () => {
    const { client, accountId } = await connected([{ shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' }]);
    await ctx.database.db.update(calendarEvents).set({ title: 'Ledig!' }).where(eq(calendarEvents.tempusAccountId, accountId));
    await forceFullSyncNext(accountId);
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ type: 'full', updated: 1 });
    expect((await tempusEvents(client))[0].title).toBe('Arbete: Dag');
    const audit = await auditOf(ctx.database.db, sync.id);
    expect(audit).toEqual([expect.objectContaining({ action: 'restored', before: expect.objectContaining({ title: 'Ledig!' }), after: expect.objectContaining({ title: 'Arbete: Dag' }) })]);
  });

  // Beyond the 60-day window, shifts come with incremental syncs, and a deletion whose
  // tombstone expired (30 days) before the next sync never arrives: the reconcile finds it.
  it.each([
    ['in the window', () => new Date('2026-03-26T07:00:00+01:00')],
    ['90 days ahead, beyond the window', () => new Date(now().getTime() + 90 * 86_400_000)],
  ])('removes on a full reconcile an event %s whose shift no longer exists in Tempus', async (_where, startAt) => {
    const { client, accountId, family, user } = await connected([{ shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' }]);
    const start = startAt();
    await ctx.database.db.insert(calendarEvents).values({
      familyId: family.id,
      ownerUserId: user.id,
      title: 'Arbete: Spöke',
      startAt: start,
      endAt: new Date(start.getTime() + 8 * 3_600_000),
      source: 'tempus',
      editable: false,
      tempusAccountId: accountId,
      tempusId: 'shf_gone',
    });
    await forceFullSyncNext(accountId);
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ type: 'full', deleted: 1 });
    const rows = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(rows.map((e) => e.title)).toEqual(['Arbete: Dag']);
  });

  it('records every change of a sync in the audit trail', async () => {
    const { client, accountId, added, initial: first } = await connected([{ shift_type: 'Dag', start_time: '2026-03-25T07:00:00+01:00', end_time: '2026-03-25T15:30:00+01:00' }]);
    expect(await auditOf(ctx.database.db, first.id)).toEqual([expect.objectContaining({ action: 'created', tempusId: added[0]!.id, before: null })]);
    ctx.sim.clock.advance(1_000);
    ctx.sim.shifts.delete(added[0]!.id);
    const [second] = await syncNow(client, accountId);
    expect(await auditOf(ctx.database.db, second.id)).toEqual([expect.objectContaining({ action: 'deleted', after: null })]);
  });
});
