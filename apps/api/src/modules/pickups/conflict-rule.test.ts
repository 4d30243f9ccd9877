import { describe, expect, it } from 'vitest';
import { BusyIndex, evaluateHandover, isConflicted, type BusyEvent } from './conflict-rule.js';
import { planDay, type DayChangePlan, type RoutineDayPlan } from './day-plan.js';
import { isoWeekday } from './stockholm-days.js';

const ANNA = 'aaaaaaaa-0000-4000-8000-000000000001';
const KARIN = 'aaaaaaaa-0000-4000-8000-000000000002';
const PARENTS = [ANNA, KARIN];

/** Drop-off 08:00 by Anna, pick-up 16:30 by Karin, Monday to Friday (and Sunday, for the DST days). */
const ROUTINE: Record<number, RoutineDayPlan> = Object.fromEntries(
  [1, 2, 3, 4, 5, 7].map((weekday) => [weekday, { dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: ANNA, pickUpBy: KARIN }]),
);

let ids = 0;
/** An event given by explicit RFC 3339 instants, so the expected instants do not lean on the code under test. */
function event(owner: string, start: string, end: string, extra: Partial<BusyEvent> = {}): BusyEvent {
  return { id: `e${++ids}`, ownerUserId: owner, title: 'Arbete: Dag', source: 'tempus', startMs: Date.parse(start), endMs: Date.parse(end), allDay: false, status: 'scheduled', ...extra };
}

interface Expected {
  at: string;
  by: string | null;
  conflicts: string[];
  free: string[];
  conflicted: boolean;
}

interface Row {
  name: string;
  date: string;
  events: BusyEvent[];
  change?: Partial<DayChangePlan>;
  routine?: Record<number, RoutineDayPlan>;
  dropOff?: Expected | null;
  pickUp?: Expected | null;
}

const noChange: DayChangePlan = { dropOffAt: null, pickUpAt: null, assignsDropOff: false, dropOffBy: null, assignsPickUp: false, pickUpBy: null, noCare: false };

// Monday 16 March 2026 is winter time (+01:00): the pick-up at 16:30 is 15:30Z, its window [15:00Z, 15:45Z).
const MON = '2026-03-16';
const pickUpMon = (conflicts: string[], free: string[], by: string | null = KARIN): Expected => ({ at: '2026-03-16T15:30:00.000Z', by, conflicts, free, conflicted: by === null || conflicts.length > 0 });

const k1 = event(KARIN, '2026-03-16T07:00:00+01:00', '2026-03-16T16:00:00+01:00');
const k2 = event(KARIN, '2026-03-16T07:00:00+01:00', '2026-03-16T16:01:00+01:00');
const k3 = event(KARIN, '2026-03-16T16:45:00+01:00', '2026-03-16T23:00:00+01:00');
const k4 = event(KARIN, '2026-03-16T16:44:00+01:00', '2026-03-16T23:00:00+01:00');
const kCancelled = event(KARIN, '2026-03-16T09:00:00+01:00', '2026-03-16T17:00:00+01:00', { status: 'cancelled' });
const kAllDay = event(KARIN, '2026-03-16T00:00:00+01:00', '2026-03-17T00:00:00+01:00', { allDay: true, source: 'ics', title: 'Semester' });
const kLong = event(KARIN, '2026-03-15T22:00:00+01:00', '2026-03-16T17:00:00+01:00', { source: 'manual', title: 'Jour' });
const aBusy = event(ANNA, '2026-03-16T12:00:00+01:00', '2026-03-16T17:30:00+01:00', { source: 'ics' });
const kInside = event(KARIN, '2026-03-16T16:20:00+01:00', '2026-03-16T16:25:00+01:00', { source: 'manual', title: 'Tandläkare' });
// Sunday 29 March 2026: the clocks go forward at 02:00; the drop-off at 08:00 is 06:00Z.
const aSpring = event(ANNA, '2026-03-29T07:00:00+02:00', '2026-03-29T07:45:00+02:00');
const aSpringBefore = event(ANNA, '2026-03-29T06:00:00+01:00', '2026-03-29T06:30:00+01:00');
// Sunday 25 October 2026: the clocks go back at 03:00; the pick-up at 16:30 is 15:30Z.
const kAutumn = event(KARIN, '2026-10-25T14:00:00Z', '2026-10-25T15:01:00Z');

const rows: Row[] = [
  { name: 'an event ending exactly at the window start (at − 30 min) is no conflict', date: MON, events: [k1], pickUp: pickUpMon([], [ANNA, KARIN]) },
  { name: 'an event ending a minute into the window is a conflict', date: MON, events: [k2], pickUp: pickUpMon([k2.id], [ANNA]) },
  { name: 'an event starting exactly at the window end (at + 15 min) is no conflict', date: MON, events: [k3], pickUp: pickUpMon([], [ANNA, KARIN]) },
  { name: 'an event starting a minute before the window end is a conflict', date: MON, events: [k4], pickUp: pickUpMon([k4.id], [ANNA]) },
  { name: 'an event wholly inside the window is a conflict', date: MON, events: [kInside], pickUp: pickUpMon([kInside.id], [ANNA]) },
  { name: 'an event spanning the whole window, begun the day before, is a conflict', date: MON, events: [kLong], pickUp: pickUpMon([kLong.id], [ANNA]) },
  { name: 'a cancelled shift frees the parent', date: MON, events: [kCancelled], pickUp: pickUpMon([], [ANNA, KARIN]) },
  { name: 'an all-day event is no conflict', date: MON, events: [kAllDay], pickUp: pickUpMon([], [ANNA, KARIN]) },
  {
    name: 'a handover nobody is assigned to is a conflict of its own, with every free parent named',
    date: MON,
    events: [],
    routine: { 1: { dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: ANNA, pickUpBy: null } },
    pickUp: pickUpMon([], [ANNA, KARIN], null),
  },
  { name: 'both parents busy: the conflict names the assigned parent’s event and nobody is free', date: MON, events: [k2, aBusy], pickUp: pickUpMon([k2.id], []) },
  { name: 'the other parent’s event is no conflict, but that parent is not free', date: MON, events: [aBusy], pickUp: pickUpMon([], [KARIN]) },
  {
    name: 'a day change ("Anna hämtar idag") moves the handover to a free parent',
    date: MON,
    events: [k2],
    change: { assignsPickUp: true, pickUpBy: ANNA },
    pickUp: pickUpMon([], [ANNA], ANNA),
  },
  {
    name: 'a day change of time moves the window: 17:00 is clear of a shift ending 16:01',
    date: MON,
    events: [k2],
    change: { pickUpAt: '17:00' },
    pickUp: { at: '2026-03-16T16:00:00.000Z', by: KARIN, conflicts: [], free: [ANNA, KARIN], conflicted: false },
  },
  {
    name: 'a day change assigning nobody leaves the handover unassigned',
    date: MON,
    events: [],
    change: { assignsPickUp: true, pickUpBy: null },
    pickUp: pickUpMon([], [ANNA, KARIN], null),
  },
  { name: 'a day without care (ledig dag, studiedag) has no handovers', date: MON, events: [k2], change: { noCare: true }, dropOff: null, pickUp: null },
  { name: 'a weekday the routine leaves out has no handovers', date: '2026-03-21', events: [], dropOff: null, pickUp: null },
  {
    name: 'a day change gives a weekday the routine leaves out a handover',
    date: '2026-03-21',
    events: [],
    change: { pickUpAt: '12:00', assignsPickUp: true, pickUpBy: ANNA },
    dropOff: null,
    pickUp: { at: '2026-03-21T11:00:00.000Z', by: ANNA, conflicts: [], free: [ANNA, KARIN], conflicted: false },
  },
  {
    name: 'on the spring DST day 08:00 is summer time (06:00Z) and an event ending 07:45 is a conflict',
    date: '2026-03-29',
    events: [aSpring],
    dropOff: { at: '2026-03-29T06:00:00.000Z', by: ANNA, conflicts: [aSpring.id], free: [KARIN], conflicted: true },
  },
  {
    name: 'on the spring DST day an event ending 06:30 winter time (05:30Z) is clear of the 08:00 drop-off',
    date: '2026-03-29',
    events: [aSpringBefore],
    dropOff: { at: '2026-03-29T06:00:00.000Z', by: ANNA, conflicts: [], free: [ANNA, KARIN], conflicted: false },
  },
  {
    name: 'a time skipped by the spring change (02:30) is read as 03:30 summer time',
    date: '2026-03-29',
    events: [],
    change: { dropOffAt: '02:30' },
    dropOff: { at: '2026-03-29T01:30:00.000Z', by: ANNA, conflicts: [], free: [ANNA, KARIN], conflicted: false },
  },
  {
    name: 'on the autumn DST day 16:30 is winter time (15:30Z) and an event ending 15:01Z is a conflict',
    date: '2026-10-25',
    events: [kAutumn],
    pickUp: { at: '2026-10-25T15:30:00.000Z', by: KARIN, conflicts: [kAutumn.id], free: [ANNA], conflicted: true },
  },
];

describe('the pickup conflict rule', () => {
  it.each(rows.map((row) => [row.name, row] as const))('%s', (_name, row) => {
    const routine = (row.routine ?? ROUTINE)[isoWeekday(row.date)];
    const plan = planDay(routine, row.change ? { ...noChange, ...row.change } : undefined);
    const busy = new BusyIndex(row.events);
    const shown = (h: typeof plan.dropOff) => {
      if (!h) return null;
      const evaluated = evaluateHandover(row.date, h, PARENTS, busy);
      return {
        at: evaluated.at.toISOString(),
        by: evaluated.byUserId,
        conflicts: evaluated.conflicts.map((c) => c.id),
        free: evaluated.freeParents,
        conflicted: isConflicted(evaluated),
      };
    };
    if (row.dropOff !== undefined) expect(shown(plan.dropOff)).toEqual(row.dropOff);
    if (row.pickUp !== undefined) expect(shown(plan.pickUp)).toEqual(row.pickUp);
    expect(row.dropOff !== undefined || row.pickUp !== undefined).toBe(true);
  });

  it('finds every overlapping event among thousands, as a scan of all of them would', () => {
    const many: BusyEvent[] = [];
    for (let i = 0; i < 3_000; i++) {
      const start = Date.parse('2026-03-01T00:00:00Z') + ((i * 7_919) % (40 * 86_400)) * 60_000;
      const length = (30 + ((i * 131) % 900)) * 60_000;
      many.push(event(i % 2 ? ANNA : KARIN, new Date(start).toISOString(), new Date(start + length).toISOString(), { status: i % 11 === 0 ? 'cancelled' : 'scheduled' }));
    }
    const busy = new BusyIndex(many);
    for (let t = Date.parse('2026-03-01T00:00:00Z'); t < Date.parse('2026-04-10T00:00:00Z'); t += 37 * 60_000) {
      for (const parent of PARENTS) {
        const scanned = many
          .filter((e) => e.ownerUserId === parent && e.status === 'scheduled' && e.startMs < t + 15 * 60_000 && e.endMs > t - 30 * 60_000)
          .map((e) => e.id)
          .sort();
        expect(busy.blocking(parent, t).map((e) => e.id).sort()).toEqual(scanned);
      }
    }
  });
});
