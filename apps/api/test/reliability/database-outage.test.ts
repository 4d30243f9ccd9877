/**
 * PostgreSQL going away under a running API: every connection dropped and new ones refused
 * by a TCP proxy between the app and the real database server.
 */
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts, tempusSyncLog } from '../../src/db/schema.js';
import { authorizeRedirect, Client, createContext } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';
import { afterConnectSync } from '../support/syncs.js';
import { buildAppOn, eventually, expectErrorShape, requirePostgres, sleep, startDatabaseProxy } from './support/faults.js';

const ctx = await createContext();
const proxy = await startDatabaseProxy(requirePostgres(ctx));
const logs: string[] = [];
const stack = await buildAppOn(proxy.url, ctx.sim, logs);
afterAll(async () => {
  proxy.restore();
  await stack.close();
  await proxy.close();
});

async function signedUpParent() {
  const client = new Client(stack.app);
  const res = await client.post('/api/auth/signup', {
    email: `outage.${Date.now()}.${Math.random().toString(36).slice(2)}@example.se`,
    password: 'korrekt-hast-batteri',
    name: 'Anna',
    familyName: 'Familjen Avbrott',
  });
  expect(res.status).toBe(201);
  return client;
}

async function connectThroughProxy(client: Client) {
  const simUser = ctx.newSimUser();
  addDayShifts(ctx.sim, simUser.id, [1, 2, 3]);
  const location = await authorizeRedirect(client, simUser);
  const { family } = (await client.get('/api/me')).body;
  const accountId = await afterConnectSync(ctx.database.db, family.id, async () => {
    const callback = await client.get(location);
    return new URL(String(callback.headers.location)).searchParams.get('connected') ?? undefined;
  });
  expect(accountId).toBeTruthy();
  return { simUser, accountId: accountId! };
}

describe('PostgreSQL connection lost', () => {
  it('answers 503 database_unavailable with the error shape while the database is gone, and recovers when it returns', async () => {
    const client = await signedUpParent();
    expect((await client.get('/api/me')).status).toBe(200);

    proxy.cut();
    try {
      const me = await client.get('/api/me');
      expect(me.status).toBe(503);
      expectErrorShape(me, 'GET /api/me');
      expect(me.body.error).toBe('database_unavailable');
      expect(me.headers['retry-after']).toBeDefined();

      const create = await client.post('/api/calendar/events', { title: 'Simning', startDate: '2026-12-02T10:00:00Z', endDate: '2026-12-02T11:00:00Z' });
      expect(create.status).toBe(503);
      expectErrorShape(create, 'POST /api/calendar/events');

      const login = await new Client(stack.app).post('/api/auth/login', { email: 'nobody@example.se', password: 'korrekt-hast-batteri' });
      expect(login.status).toBe(503);
      expectErrorShape(login, 'POST /api/auth/login');

      const ready = await client.get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.error).toBe('database_unavailable');
      // Liveness stays green: restarting the process would not bring the database back.
      expect((await client.get('/healthz')).status).toBe(200);
    } finally {
      proxy.restore();
    }

    await eventually(async () => (await client.get('/readyz')).status === 200, '/readyz to answer 200 again');
    expect((await client.get('/api/me')).status).toBe(200);
    expect(logs.join('')).toContain('database unavailable');
  });

  it('records a sync that loses the database as failed, keeps the calendar, and a later retry succeeds', async () => {
    const client = await signedUpParent();
    const { simUser, accountId } = await connectThroughProxy(client);
    const before = await ctx.database.db.select({ tempusId: calendarEvents.tempusId }).from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(before).toHaveLength(3);

    // The fetch is slow, so the database can go away while the sync is talking to Tempus.
    addDayShifts(ctx.sim, simUser.id, [4, 5]);
    ctx.sim.faults.latency(600, '/api/v1/schedules');
    const started = await client.post('/api/tempus/sync', { accountId });
    expect(started.status).toBe(202);
    const syncId = started.body.syncs[0].id as string;
    // Once the sync is on record it is a few queries away from waiting on Tempus.
    await eventually(async () => (await ctx.database.db.select().from(tempusSyncLog).where(eq(tempusSyncLog.id, syncId))).length === 1, 'the sync to start');
    await sleep(150);
    proxy.cut();
    await sleep(1_500);
    ctx.sim.faults.latency(0, '/api/v1/schedules');
    // Meanwhile the readiness probe tells the orchestrator.
    expect((await client.get('/readyz')).status).toBe(503);
    proxy.restore();

    // Once the database is back the interrupted sync is on record as failed, with a reason,
    // and the account is due for a retry; the calendar kept its last good state.
    const logRow = await eventually(async () => {
      const [row] = await ctx.database.db.select().from(tempusSyncLog).where(eq(tempusSyncLog.id, syncId));
      return row && row.status !== 'running' ? row : undefined;
    }, 'the interrupted sync to be recorded as finished', 15_000);
    if (!logRow) throw new Error('unreachable: eventually() returns a row or fails');
    expect(logRow.status).toBe('failed');
    expect(logRow.errorCode).toBeTruthy();
    const [account] = await ctx.database.db.select().from(tempusAccounts).where(eq(tempusAccounts.id, accountId));
    expect(account!.consecutiveFailures).toBeGreaterThan(0);
    expect(account!.lastErrorCode).toBeTruthy();
    const kept = await ctx.database.db.select({ tempusId: calendarEvents.tempusId }).from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(kept.map((e) => e.tempusId).sort()).toEqual(before.map((e) => e.tempusId).sort());

    // The pacer picks it up when its backoff has passed (made due now instead of waiting).
    await ctx.database.db.update(tempusAccounts).set({ nextSyncAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));
    const retried = await stack.app.tempus!.service.runDueSyncs();
    expect(retried).toBeGreaterThanOrEqual(1);
    const status = await client.get('/api/tempus/status');
    const synced = status.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(synced.recentSyncs[0]).toMatchObject({ status: 'succeeded' });
    expect(synced.lastError).toBeNull();
    expect(synced.eventCount).toBe(5);
  });

  it('keeps serving after a drop of every pooled connection mid-traffic without crashing', async () => {
    const client = await signedUpParent();
    const traffic = Array.from({ length: 40 }, async (_, i) => {
      await sleep(i * 10);
      return (await client.get('/api/me')).status;
    });
    await sleep(150);
    proxy.cut();
    await sleep(100);
    proxy.restore();
    const statuses = await Promise.all(traffic);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(200);
    await eventually(async () => (await client.get('/api/me')).status === 200, '/api/me to answer 200 again');
  });
});
