/**
 * SIGTERM ends the API process within 10 s whatever Tempus does: a running sync waiting on
 * a Tempus that never answers is called off and rolls back, and the process exits.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calendarEvents, tempusSyncLog } from '../../src/db/schema.js';
import { createContext, OPERATOR_TOKEN } from '../support/context.js';
import { addDayShifts } from '../support/shifts.js';
import { eventually, requirePostgres } from './support/faults.js';
import { startServerProcess } from './support/server-process.js';

const ctx = await createContext();
const databaseUrl = requirePostgres(ctx);

describe('SIGTERM', () => {
  it('ends the process within 10 s while a sync waits on a Tempus that never answers, the calendar untouched', { timeout: 90_000 }, async () => {
    const parent = await ctx.newParent();
    const simUser = ctx.newSimUser();
    addDayShifts(ctx.sim, simUser.id, [1, 2]);
    const accountId = await ctx.connectTempus(parent.client, simUser);
    const before = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    const server = await startServerProcess(ctx, databaseUrl);
    ctx.sim.faults.latency(120_000, '/api/v1/schedules');
    try {
      const started = await fetch(`${server.url}/api/tempus/sync`, {
        method: 'POST',
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ accountId }),
      });
      expect(started.status).toBe(202);
      const { syncs } = (await started.json()) as { syncs: { id: string }[] };
      // The sync is running: it holds the account and waits on Tempus.
      await eventually(async () => {
        const [row] = await ctx.database.db.select().from(tempusSyncLog).where(eq(tempusSyncLog.id, syncs[0]!.id));
        return row?.status === 'running' ? row : undefined;
      }, 'the sync to be running', 15_000);

      const signalled = performance.now();
      server.child.kill('SIGTERM');
      const code = await server.exited;
      const ms = performance.now() - signalled;
      expect(ms, server.output()).toBeLessThan(10_000);
      expect(code).toBe(0);
    } finally {
      ctx.sim.faults.clear();
    }
    const after = await ctx.database.db.select().from(calendarEvents).where(eq(calendarEvents.tempusAccountId, accountId));
    expect(after).toEqual(before);
  });
});
