import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { syncWindow } from '../src/modules/subscriptions/sync-engine.js';
import { createContext } from './support/context.js';
import { startFeedServer } from './support/feed-server.js';

// Random edits of a feed and syncs in any order always leave the calendar equal to the
// feed's truth: the same occurrences, instants and status, nothing extra, nothing twice.
// The truth is worked out here without any iCalendar library: UTC times, and weekly
// series as start + k weeks.
const NOW = new Date('2026-05-04T08:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;
const ctx = await createContext({ env: { ICS_ALLOW_PRIVATE_HOSTS: 'true' }, subscriptions: { clock: () => NOW, manualSyncsPerMinute: 1_000 } });
const feeds = await startFeedServer();

interface ModelEvent {
  uid: string;
  start: number;
  hours: number;
  cancelled: boolean;
  /** Weekly occurrences (1 = not recurring). */
  count: number;
  title: string;
}

type Op =
  | { kind: 'add'; day: number; hour: number; hours: number; count: number; cancelled: boolean }
  | { kind: 'move'; pick: number; byHours: number }
  | { kind: 'cancel'; pick: number }
  | { kind: 'rename'; pick: number }
  | { kind: 'delete'; pick: number }
  | { kind: 'sync' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    day: fc.integer({ min: -40, max: 370 }),
    hour: fc.integer({ min: 0, max: 23 }),
    hours: fc.integer({ min: 1, max: 14 }),
    count: fc.constantFrom(1, 1, 3, 10),
    cancelled: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('move' as const), pick: fc.nat(), byHours: fc.integer({ min: -72, max: 72 }) }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  fc.constant({ kind: 'sync' as const }),
);

const stamp = (ms: number) => new Date(ms).toISOString().replace(/[-:]|\.\d{3}/g, '');

function feedOf(events: ModelEvent[]): string {
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Test//Convergence//SV'];
  for (const e of events) {
    lines.push('BEGIN:VEVENT', `UID:${e.uid}`, 'DTSTAMP:20260501T000000Z', `DTSTART:${stamp(e.start)}`, `DTEND:${stamp(e.start + e.hours * HOUR)}`, `SUMMARY:${e.title}`);
    if (e.count > 1) lines.push(`RRULE:FREQ=WEEKLY;COUNT=${e.count}`);
    if (e.cancelled) lines.push('STATUS:CANCELLED');
    lines.push('END:VEVENT');
  }
  return [...lines, 'END:VCALENDAR', ''].join('\r\n');
}

function truth(events: ModelEvent[]): string[] {
  // The window a subscription covers: whole days, from 30 days back to 365 days ahead.
  const window = syncWindow(NOW);
  const [from, to] = [window.from.getTime(), window.to.getTime()];
  return events
    .flatMap((e) => Array.from({ length: e.count }, (_, k) => ({ ...e, start: e.start + k * 7 * DAY })))
    .filter((o) => o.start < to && o.start + o.hours * HOUR > from)
    .map((o) => `${o.title} ${new Date(o.start).toISOString()} ${new Date(o.start + o.hours * HOUR).toISOString()} ${o.cancelled ? 'cancelled' : 'scheduled'}`)
    .sort();
}

let feedNumber = 0;

describe('subscription convergence', () => {
  it('always ends with a calendar equal to what the feed holds, whatever the order of edits and syncs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const parent = await ctx.newParent();
        const path = `/convergence-${++feedNumber}.ics`;
        let events: ModelEvent[] = [{ uid: 'first@test', start: NOW.getTime() + DAY, hours: 8, cancelled: false, count: 1, title: 'Dag' }];
        let uids = 0;
        feeds.set(path, { body: feedOf(events) });
        const created = await parent.client.post('/api/calendar/subscriptions', { url: `${feeds.origin}${path}` });
        expect(created.status).toBe(201);
        const id = created.body.subscription.id as string;

        const check = async () => {
          const from = encodeURIComponent(new Date(NOW.getTime() - 31 * DAY).toISOString());
          const to = encodeURIComponent(new Date(NOW.getTime() + 366 * DAY).toISOString());
          const res = await parent.client.get(`/api/calendar/events?from=${from}&to=${to}`);
          const listed = (res.body.events as any[])
            .filter((e) => e.subscriptionId === id)
            .map((e) => `${e.title} ${e.startDate} ${e.endDate} ${e.status}`)
            .sort();
          expect(listed).toEqual(truth(events));
        };
        await check();

        const pick = (n: number) => (events.length ? events[n % events.length] : undefined);
        for (const o of ops) {
          if (o.kind === 'add') {
            events.push({ uid: `e${++uids}@test`, start: NOW.getTime() + o.day * DAY + o.hour * HOUR, hours: o.hours, cancelled: o.cancelled, count: o.count, title: `Pass ${uids}` });
          } else if (o.kind === 'move') {
            const e = pick(o.pick);
            if (e) e.start += o.byHours * HOUR;
          } else if (o.kind === 'cancel') {
            const e = pick(o.pick);
            if (e) e.cancelled = true;
          } else if (o.kind === 'rename') {
            const e = pick(o.pick);
            if (e) e.title = `${e.title} (ändrad)`;
          } else if (o.kind === 'delete') {
            const e = pick(o.pick);
            events = events.filter((x) => x !== e);
          } else {
            feeds.set(path, { body: feedOf(events) });
            const sync = await parent.client.post(`/api/calendar/subscriptions/${id}/sync`);
            expect(sync.body.sync.status).toBe('succeeded');
            await check();
          }
        }
        feeds.set(path, { body: feedOf(events) });
        await parent.client.post(`/api/calendar/subscriptions/${id}/sync`);
        await check();
      }),
      { numRuns: 25 },
    );
  }, 120_000);
});
