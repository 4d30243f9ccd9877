/**
 * Freshness within Tempus's limits (../shared/familyhub-api.md, "Tempus: freshness within
 * Tempus's limits"): what a manual sync does when Tempus blocks or hangs, the window and
 * cursor of listings, the guard against an empty listing, the order of background work.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts, tempusSyncLog } from '../src/db/schema.js';
import { calendar, createContext, syncNow } from './support/context.js';
import { addDayShifts } from './support/shifts.js';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const ctx = await createContext({ env: { TEMPUS_SYNC_CONCURRENCY: '2' } });

async function connected(days = [1, 2, 3]) {
  const parent = await ctx.newParent();
  const simUser = ctx.newSimUser();
  addDayShifts(ctx.sim, simUser.id, days);
  const accountId = await ctx.connectTempus(parent.client, simUser);
  return { ...parent, simUser, accountId };
}

const schedulesRequests = () => ctx.sim.requests.filter((r) => r.path === '/api/v1/schedules');

async function account(id: string) {
  const [row] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, id));
  return row!;
}

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

describe('a manual sync while Tempus blocks the client', () => {
  it('fails at once as tempus_rate_limited when Tempus says its hourly quota is spent, and says when it will try again', async () => {
    const { client, accountId } = await connected();
    const reset = Math.ceil((Date.now() + HOUR) / 1000);
    // A successful page that spends the last request of the hour: Remaining 0 until Reset.
    ctx.sim.faults.fail({
      status: 200,
      body: JSON.stringify({ data: [], next_cursor: null, server_time: new Date().toISOString() }),
      contentType: 'application/json',
      headers: { 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(reset) },
      path: '/api/v1/schedules',
      count: 1,
    });
    expect((await syncNow(client, accountId))[0]).toMatchObject({ status: 'succeeded' });

    const before = ctx.sim.requests.length;
    const { result, ms } = await timed(() => client.post('/api/tempus/sync?wait=true', { accountId }));
    expect(result.status).toBe(200);
    expect(result.body.syncs[0]).toMatchObject({ status: 'failed', error: { code: 'tempus_rate_limited' } });
    expect(ms, 'answered without waiting for the block').toBeLessThan(15_000);
    expect(ctx.sim.requests.length, 'nothing was sent while blocked').toBe(before);

    const status = (await client.get('/api/tempus/status')).body.accounts[0];
    expect(status.lastError).toMatchObject({ code: 'tempus_rate_limited' });
    // Tried again when the block lifts.
    expect(Math.abs(Date.parse(status.nextSyncAt) - reset * 1000)).toBeLessThan(5_000);
    await ctx.database.db.execute(sql`update tempus_rate_budget set blocked_until = null`);
  });

  it('treats a Retry-After of a billion seconds as one hour, logs it, and keeps the budget working', async () => {
    const { client, accountId } = await connected();
    ctx.sim.faults.fail({ status: 429, headers: { 'Retry-After': '1000000000' }, path: '/api/v1/schedules', count: 1 });
    const before = Date.now();
    const [sync] = await syncNow(client, accountId);
    expect(sync).toMatchObject({ status: 'failed', error: { code: 'tempus_rate_limited' } });
    const row = await account(accountId);
    const waitMs = row.nextSyncAt!.getTime() - before;
    expect(waitMs).toBeGreaterThan(HOUR - 60_000);
    expect(waitMs).toBeLessThanOrEqual(HOUR + 5_000);
    expect(ctx.logs.some((l) => l.includes('Tempus asked to wait more than an hour'))).toBe(true);
    await ctx.database.db.execute(sql`update tempus_rate_budget set blocked_until = null`);
    // The budget is still a budget (no timer overflow switched it off): the next sync goes through.
    expect((await syncNow(client, accountId))[0]).toMatchObject({ status: 'succeeded' });
  });

  it('answers ?wait=true within 15 s while Tempus does not answer at all', { timeout: 60_000 }, async () => {
    const { client, accountId } = await connected();
    ctx.sim.faults.latency(60_000, '/api/v1/schedules');
    try {
      const { result, ms } = await timed(() => client.post('/api/tempus/sync?wait=true', { accountId }));
      expect(result.status).toBe(200);
      expect(result.body.syncs[0]).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
      expect(ms).toBeLessThan(15_000);
    } finally {
      ctx.sim.faults.clear();
    }
    expect((await account(accountId)).leaseOwner, 'the account is free again').toBeNull();
  });
});

describe('listings', () => {
  it('asks for exactly 30 days back and 60 ahead on a full listing, and keeps shifts at the window edges as Tempus lists them', async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const now = Date.now();
    const edge = (at: number, hours: number) => ({ shift_type: 'Kant', start_time: new Date(at).toISOString(), end_time: new Date(at + hours * HOUR).toISOString() });
    // Ends 5 minutes into the window (kept); ends an hour before it (never listed); starts in its last hour (kept).
    ctx.sim.shifts.add(simUser.id, edge(now - 30 * DAY - HOUR + 5 * 60_000, 1));
    ctx.sim.shifts.add(simUser.id, edge(now - 30 * DAY - 2 * HOUR, 1));
    ctx.sim.shifts.add(simUser.id, edge(now + 60 * DAY - HOUR + 60_000, 8));
    ctx.sim.resetCounters();
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const [first] = schedulesRequests();
    const from = Date.parse(first!.query.from!);
    const to = Date.parse(first!.query.to!);
    expect(to - from).toBe(90 * DAY);
    expect(Math.abs(from - (now - 30 * DAY))).toBeLessThan(60_000);
    const events = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(events).toHaveLength(2);
  });

  it('takes the next updated_since from Tempus’s server_time, not its own clock, when the two disagree', async () => {
    const { client, accountId } = await connected();
    // Tempus's clock runs two hours ahead of ours.
    ctx.sim.clock.advance(2 * HOUR);
    try {
      ctx.sim.resetCounters();
      await syncNow(client, accountId);
      const serverTime = (await account(accountId)).syncCursor!;
      expect(Math.abs(serverTime.getTime() - ctx.sim.clock.now().getTime())).toBeLessThan(5_000);
      expect(serverTime.getTime() - Date.now()).toBeGreaterThan(HOUR);
      await syncNow(client, accountId);
      const next = schedulesRequests().at(-1)!;
      expect(Date.parse(next.query.updated_since!)).toBe(serverTime.getTime());
    } finally {
      ctx.sim.clock.advance(-2 * HOUR);
    }
  });

  it('changes nothing when a full listing fails on a later page', async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const days = Array.from({ length: 40 }, (_, i) => i - 5);
    for (let round = 0; round < 15; round++) addDayShifts(ctx.sim, simUser.id, days);
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const before = await calendar(parent.client);
    expect(before.length).toBeGreaterThan(500);
    // The next sync is a full one (two pages); Tempus has changed, and its second page is broken.
    await ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: null }).where(eq(tempusAccounts.id, accountId));
    ctx.sim.shifts.cancel(ctx.sim.shifts.list(simUser.id)[0]!.id);
    const cursor = (await account(accountId)).syncCursor;
    ctx.sim.resetCounters();
    // Every second schedules request fails (deterministically): the first page arrives, the second does not.
    ctx.sim.faults.fail({ status: 200, body: 'not a page', contentType: 'text/plain', path: '/api/v1/schedules', fraction: 0.5 });
    try {
      const [sync] = await syncNow(parent.client, accountId);
      expect(sync).toMatchObject({ status: 'failed', error: { code: 'invalid_response' } });
    } finally {
      ctx.sim.faults.clear();
    }
    expect(schedulesRequests().map((r) => r.status)).toEqual([200, 200]);
    expect(schedulesRequests()[1]!.query.cursor, 'the failed request was the second page').toBeTruthy();
    expect(await calendar(parent.client)).toEqual(before);
    expect((await account(accountId)).syncCursor).toEqual(cursor);
  });
});

describe('an empty full listing', () => {
  it('is not applied while the calendar holds shifts to come, and is applied when a second one comes an hour later', async () => {
    const { client, accountId, simUser } = await connected([1, 2, 3]);
    for (const shift of ctx.sim.shifts.list(simUser.id)) ctx.sim.shifts.delete(shift.id);
    await ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: null }).where(eq(tempusAccounts.id, accountId));

    const [first] = await syncNow(client, accountId);
    expect(first).toMatchObject({ status: 'failed', deleted: 0, error: { code: 'suspicious_empty_listing' } });
    expect((await calendar(client)).filter((e) => e.source === 'tempus')).toHaveLength(3);

    // Another empty listing within the hour changes nothing either.
    await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date() }).where(eq(tempusAccounts.id, accountId));
    expect((await syncNow(client, accountId))[0]).toMatchObject({ status: 'failed', error: { code: 'suspicious_empty_listing' } });

    // An hour after the first, the second empty listing is believed.
    const firstSeen = (await account(accountId)).emptyListingAt!;
    await ctx.database.db.update(tempusAccounts).set({ emptyListingAt: new Date(firstSeen.getTime() - HOUR) }).where(eq(tempusAccounts.id, accountId));
    expect((await syncNow(client, accountId))[0]).toMatchObject({ status: 'succeeded', deleted: 3 });
    expect((await calendar(client)).filter((e) => e.source === 'tempus')).toHaveLength(0);
    expect((await account(accountId)).emptyListingAt).toBeNull();
  });
});

describe('background and interactive syncs', () => {
  it('starts a parent’s "Synka nu" at once while every background slot is taken', { timeout: 60_000 }, async () => {
    const background = await Promise.all([1, 2, 3, 4].map(() => connected([1])));
    const { client, accountId } = await connected([1]);
    await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date(Date.now() - 1_000) }).where(inArray(tempusAccounts.id, background.map((b) => b.accountId)));
    ctx.sim.faults.latency(1_000, '/api/v1/schedules');
    let manual;
    try {
      const pass = ctx.app.tempus!.service.runDueSyncs();
      // Both background slots (TEMPUS_SYNC_CONCURRENCY=2) are busy with one-second syncs.
      await new Promise((resolve) => setTimeout(resolve, 300));
      manual = (await client.post('/api/tempus/sync?wait=true', { accountId })).body.syncs[0];
      await pass;
    } finally {
      ctx.sim.faults.clear();
    }
    expect(manual).toMatchObject({ status: 'succeeded' });
    const rows = await ctx.database.db.select().from(tempusSyncLog).where(inArray(tempusSyncLog.accountId, background.map((b) => b.accountId)));
    const firstBackgroundDone = Math.min(...rows.filter((r) => r.trigger === 'schedule').map((r) => r.finishedAt!.getTime()));
    expect(Date.parse(manual.startedAt), 'the manual sync did not wait for a background slot').toBeLessThan(firstBackgroundDone);
  });

  it('queues an operator’s sync of every account behind the same concurrency bound, refusing none', { timeout: 60_000 }, async () => {
    const families = await Promise.all([1, 2, 3, 4, 5, 6].map(() => connected([1])));
    const ids = families.map((f) => f.accountId);
    ctx.sim.faults.latency(150, '/api/v1/schedules');
    try {
      const res = await ctx.operator().post('/api/tempus/sync?wait=true', {});
      expect(res.status).toBe(200);
      const mine = res.body.syncs.filter((s: { accountId: string }) => ids.includes(s.accountId));
      expect(mine).toHaveLength(ids.length);
      expect(mine.every((s: { status: string }) => s.status === 'succeeded')).toBe(true);
    } finally {
      ctx.sim.faults.clear();
    }
    // Never more than TEMPUS_SYNC_CONCURRENCY (2) of them ran at once.
    const rows = await ctx.database.db.select().from(tempusSyncLog).where(inArray(tempusSyncLog.accountId, ids));
    const runs = rows.filter((r) => r.trigger === 'admin').map((r) => [r.startedAt.getTime(), r.finishedAt!.getTime()] as const);
    const mostAtOnce = Math.max(...runs.map(([start]) => runs.filter(([s, f]) => s <= start && f > start).length));
    expect(mostAtOnce).toBeLessThanOrEqual(2);
  });
});
