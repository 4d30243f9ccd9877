import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendar, createContext, syncNow } from './support/context.js';

// Random sequences of Tempus changes and syncs must always leave the calendar equal to
// Tempus's truth: same shifts, same instants, same status, nothing extra, nothing twice.
const NOW = new Date('2026-05-04T08:00:00Z');
const ctx = await createContext({ sim: { startTime: NOW }, simClock: true });
const HOUR = 3_600_000;

type Op =
  | { kind: 'add'; day: number; hour: number; hours: number; cancelled: boolean }
  | { kind: 'move'; pick: number; byHours: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'sync' }
  | { kind: 'fullSync' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), day: fc.integer({ min: -35, max: 65 }), hour: fc.integer({ min: 0, max: 23 }), hours: fc.integer({ min: 1, max: 14 }), cancelled: fc.boolean() }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), byHours: fc.integer({ min: -72, max: 72 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.constant({ kind: 'sync' as const }),
  fc.constant({ kind: 'fullSync' as const }),
);

describe('sync convergence', () => {
  it('always ends with a calendar equal to what Tempus holds, whatever the order of changes and syncs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const parent = await ctx.newParent();
        const simUser = ctx.newSimUser();
        const accountId = await ctx.connectTempus(parent.client, simUser);
        const { eq } = await import('drizzle-orm');
        const { tempusAccounts } = await import('../src/db/schema.js');

        const live = () => ctx.sim.shifts.list(simUser.id);
        const pick = (n: number) => {
          const shifts = live();
          return shifts.length ? shifts[n % shifts.length] : undefined;
        };
        const inWindow = () => {
          const now = ctx.sim.clock.now().getTime();
          return live().filter((s) => Date.parse(s.start_time) < now + 60 * 86_400_000 && Date.parse(s.end_time) > now - 30 * 86_400_000);
        };
        const check = async () => {
          const now = ctx.sim.clock.now().getTime();
          const from = now - 30 * 86_400_000;
          const to = now + 60 * 86_400_000;
          const truth = inWindow()
            .map((s) => `${s.id} ${new Date(s.start_time).toISOString()} ${new Date(s.end_time).toISOString()} ${s.status}`)
            .sort();
          const events = (await calendar(parent.client, ctx.sim.clock.now(), -31, 61))
            .filter((e) => e.tempusAccountId === accountId && Date.parse(e.startDate) < to && Date.parse(e.endDate) > from)
            .map((e) => `${e.tempusId} ${e.startDate} ${e.endDate} ${e.status}`)
            .sort();
          expect(events).toEqual(truth);
        };

        for (const o of ops) {
          ctx.sim.clock.advance(1_000);
          if (o.kind === 'add') {
            const start = new Date(NOW.getTime() + o.day * 86_400_000 + o.hour * HOUR);
            ctx.sim.shifts.add(simUser.id, {
              shift_type: 'Dag',
              start_time: start.toISOString(),
              end_time: new Date(start.getTime() + o.hours * HOUR).toISOString(),
              status: o.cancelled ? 'cancelled' : 'scheduled',
            });
          } else if (o.kind === 'move') {
            const s = pick(o.pick);
            if (s) {
              const shift = o.byHours * HOUR;
              ctx.sim.shifts.update(s.id, {
                start_time: new Date(Date.parse(s.start_time) + shift).toISOString(),
                end_time: new Date(Date.parse(s.end_time) + shift).toISOString(),
              });
            }
          } else if (o.kind === 'cancel') {
            const s = pick(o.pick);
            if (s) ctx.sim.shifts.cancel(s.id);
          } else if (o.kind === 'delete') {
            const s = pick(o.pick);
            if (s) ctx.sim.shifts.delete(s.id);
          } else {
            if (o.kind === 'fullSync') {
              await ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: new Date(0) }).where(eq(tempusAccounts.id, accountId));
            }
            let [result] = await syncNow(ctx.operator(), accountId);
            if (result.error?.code === 'suspicious_empty_listing') {
              // The guard against a Tempus bug: a full listing with nothing in the window while
              // the calendar holds shifts to come is applied only when it is still empty an
              // hour later. Only then may it fail, and only a full listing.
              expect(o.kind).toBe('fullSync');
              expect(inWindow()).toEqual([]);
              ctx.sim.clock.advance(61 * 60_000);
              await ctx.database.db.update(tempusAccounts).set({ lastFullSyncAt: new Date(0) }).where(eq(tempusAccounts.id, accountId));
              [result] = await syncNow(ctx.operator(), accountId);
            }
            expect(result.status).toBe('succeeded');
            await check();
          }
        }
        await syncNow(ctx.operator(), accountId);
        await check();
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
