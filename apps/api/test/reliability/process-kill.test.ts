/**
 * The API process killed with SIGKILL in the middle of a sync: a real child process (tsx)
 * syncs against this file's database and the simulator, and is killed while it pages
 * through Tempus, while it applies, or at a random moment. After each kill the account's
 * calendar must hold exactly the old or exactly the new state, and a restarted process
 * must complete the next sync.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { calendarEvents, tempusAccounts } from '../../src/db/schema.js';
import { createContext, OPERATOR_TOKEN, testEnv } from '../support/context.js';
import { eventually, requirePostgres, sleep } from './support/faults.js';

const ctx = await createContext();
const databaseUrl = requirePostgres(ctx);
const apiDir = fileURLToPath(new URL('../..', import.meta.url));
const childScript = fileURLToPath(new URL('./support/sync-child.ts', import.meta.url));
const children = new Set<ChildProcess>();
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

const HOUR = 3_600_000;
const SHIFTS = 1_600;
const PAGES = Math.ceil(SHIFTS / 500);

interface Child {
  process: ChildProcess;
  ready: Promise<void>;
  result: Promise<string | undefined>;
  exited: Promise<void>;
}

function startChild(accountId: string): Child {
  const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', childScript], {
    cwd: apiDir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      FH_DATABASE_URL: databaseUrl,
      ACCOUNT_ID: accountId,
      OPERATOR_TOKEN,
      FH_CONFIG_ENV: JSON.stringify(testEnv(ctx.sim)),
    },
  });
  children.add(child);
  let out = '';
  let err = '';
  let onReady: () => void;
  let onNeverReady: (err: Error) => void;
  let onResult: (line: string | undefined) => void;
  const ready = new Promise<void>((resolve, reject) => {
    onReady = resolve;
    onNeverReady = reject;
  });
  const result = new Promise<string | undefined>((resolve) => (onResult = resolve));
  child.stdout!.on('data', (chunk: Buffer) => {
    out += String(chunk);
    if (out.includes('ready\n')) onReady();
    const line = out.split('\n').find((l) => l.startsWith('result '));
    if (line) onResult(line);
  });
  child.stderr!.on('data', (chunk: Buffer) => (err += String(chunk)));
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      children.delete(child);
      onResult(undefined);
      if (!out.includes('ready\n')) onNeverReady(new Error(`sync child exited before it was ready: ${err}`));
      resolve();
    }),
  );
  return { process: child, ready, result, exited };
}

type Snapshot = string[];

async function snapshot(accountId: string): Promise<Snapshot> {
  const rows = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
  return rows.map((r) => JSON.stringify([r.tempusId, r.title, r.startAt.getTime(), r.endAt.getTime(), r.status])).sort();
}

function expectedFromSim(simUserId: string): Snapshot {
  const now = Date.now();
  const from = now - 30 * 86_400_000;
  const to = now + 60 * 86_400_000;
  return ctx.sim.shifts
    .list(simUserId)
    .filter((s) => Date.parse(s.start_time) < to && Date.parse(s.end_time) > from)
    .map((s) => JSON.stringify([s.id, `Arbete: ${s.shift_type}`, Date.parse(s.start_time), Date.parse(s.end_time), s.status]))
    .sort();
}

function schedulesServedSince(mark: number) {
  return ctx.sim.requests.slice(mark).filter((r) => r.path === '/api/v1/schedules').length;
}

/** Runs one sync in a fresh process and returns its summary (or fails after `deadlineMs`). */
async function syncInChild(accountId: string, deadlineMs = 30_000) {
  const child = startChild(accountId);
  const line = await Promise.race([child.result, sleep(deadlineMs).then(() => 'timeout')]);
  child.process.kill('SIGKILL');
  expect(line, 'the sync of a restarted process').toMatch(/^result 200 /);
  return JSON.parse(line!.replace(/^result 200 /, '')).syncs[0];
}

describe('the API process killed mid-sync', () => {
  it('leaves the calendar in the old or the new state after each SIGKILL, never a mix or a duplicate, and the next sync completes', { timeout: 150_000 }, async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const base = Date.now() - 20 * 86_400_000;
    const added = Array.from({ length: SHIFTS }, (_, i) =>
      ctx.sim.shifts.add(simUser.id, {
        shift_type: 'Dag',
        start_time: new Date(base + i * HOUR).toISOString(),
        end_time: new Date(base + i * HOUR + 45 * 60_000).toISOString(),
      }),
    );
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const oldState = await snapshot(accountId);
    expect(oldState).toHaveLength(SHIFTS);
    expect(oldState).toEqual(expectedFromSim(simUser.id));

    // Tempus changes a lot at once: moves, new types, cancellations, deletions, additions.
    ctx.sim.clock.advance(60_000);
    added.slice(0, 300).forEach((s) => ctx.sim.shifts.update(s.id, { shift_type: 'Kväll', start_time: new Date(Date.parse(s.start_time) + 10 * 60_000).toISOString() }));
    added.slice(300, 400).forEach((s) => ctx.sim.shifts.cancel(s.id));
    added.slice(400, 500).forEach((s) => ctx.sim.shifts.delete(s.id));
    for (let i = 0; i < 100; i++) {
      ctx.sim.shifts.add(simUser.id, { shift_type: 'Natt', start_time: new Date(base + (i + 0.5) * HOUR).toISOString(), end_time: new Date(base + (i + 0.75) * HOUR).toISOString() });
    }
    const newState = expectedFromSim(simUser.id);
    expect(newState).not.toEqual(oldState);

    // A full sync pages through everything, so there is a wide window to be killed in.
    const forceFull = () => ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: new Date(Date.now() - 25 * HOUR) }).where(eq(tempusAccounts.id, accountId));
    ctx.sim.faults.latency(150, '/api/v1/schedules');

    const killPoints: { name: string; wait: (mark: number) => Promise<unknown> }[] = [
      { name: 'while paging', wait: (mark) => eventually(() => schedulesServedSince(mark) >= 1, 'the first page') },
      {
        name: 'while applying',
        wait: async (mark) => {
          await eventually(() => schedulesServedSince(mark) >= PAGES, 'the last page');
          await sleep(Math.random() * 150);
        },
      },
      { name: 'at a random moment', wait: () => sleep(Math.random() * 1_500) },
      { name: 'at another random moment', wait: () => sleep(Math.random() * 1_500) },
    ];

    // Between the kill points the dead process's sync lease is expired by hand, standing in
    // for its lease period passing, so every point gets a full sync to interrupt; the last
    // kill is left as it is and the restarted process has to cope with it alone.
    const expireDeadLease = () => ctx.database.db.update(tempusAccounts).set({ leaseExpiresAt: new Date(Date.now() - 1_000) }).where(eq(tempusAccounts.id, accountId));

    for (const [i, point] of killPoints.entries()) {
      if (i > 0) await expireDeadLease();
      await forceFull();
      const mark = ctx.sim.requests.length;
      const child = startChild(accountId);
      await child.ready;
      await Promise.race([point.wait(mark), child.result]);
      child.process.kill('SIGKILL');
      await child.exited;

      const after = await snapshot(accountId);
      expect(new Set(after.map((e) => JSON.parse(e)[0])).size, `duplicates after a kill ${point.name}`).toBe(after.length);
      const state = JSON.stringify(after) === JSON.stringify(oldState) ? 'old' : JSON.stringify(after) === JSON.stringify(newState) ? 'new' : 'mixed';
      expect(state, `calendar after a kill ${point.name}`).not.toBe('mixed');
    }

    // After a kill at a random point, a restarted process completes the next sync.
    await expireDeadLease();
    ctx.sim.faults.latency(0, '/api/v1/schedules');
    await forceFull();
    expect(await syncInChild(accountId)).toMatchObject({ status: 'succeeded', error: null });
    expect(await snapshot(accountId)).toEqual(newState);
  });

  it('lets a restarted process take over the sync of a process killed mid-sync without waiting out its lease', { timeout: 90_000 }, async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    const base = Date.now() - 5 * 86_400_000;
    for (let i = 0; i < 600; i++) {
      ctx.sim.shifts.add(simUser.id, { shift_type: 'Jour', start_time: new Date(base + i * HOUR).toISOString(), end_time: new Date(base + i * HOUR + 30 * 60_000).toISOString() });
    }
    const accountId = await ctx.connectTempus(parent.client, simUser);
    ctx.sim.clock.advance(60_000);
    ctx.sim.shifts.add(simUser.id, { shift_type: 'Extra', start_time: new Date(base + 0.5 * HOUR).toISOString(), end_time: new Date(base + 0.75 * HOUR).toISOString() });

    ctx.sim.faults.latency(300, '/api/v1/schedules');
    const mark = ctx.sim.requests.length;
    const doomed = startChild(accountId);
    await doomed.ready;
    await Promise.race([eventually(() => ctx.sim.requests.length > mark, 'the killed process to reach Tempus'), doomed.result]);
    doomed.process.kill('SIGKILL');
    await doomed.exited;
    ctx.sim.faults.latency(0, '/api/v1/schedules');

    // No hand-expired lease here: the new process must notice the old one is gone.
    const sync = await syncInChild(accountId, 45_000);
    expect(sync).toMatchObject({ status: 'succeeded', error: null });
    expect(await snapshot(accountId)).toEqual(expectedFromSim(simUser.id));
    // The interrupted sync does not stay "running" on the settings page forever.
    const status = await parent.client.get('/api/tempus/status');
    const account = status.body.accounts.find((a: { id: string }) => a.id === accountId);
    expect(account.recentSyncs.filter((s: { status: string }) => s.status === 'running')).toEqual([]);
  });
});
