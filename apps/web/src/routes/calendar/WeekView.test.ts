import type { CalendarEvent } from '@familyhub/shared';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import { peopleOf } from '$lib/people/people';
import { weekDays } from '$lib/calendar/zoned-time';
import type { ChildDayLine } from '$lib/pickups/day-lines';
import DayList from './DayList.svelte';
import MonthView from './MonthView.svelte';
import WeekView from './WeekView.svelte';

const KARIN_P = '00000000-0000-4000-8000-000000000091';
const KARIN_A = '00000000-0000-4000-8000-000000000092';
const people = peopleOf([
  { id: KARIN_P, name: 'Karin Persson', color: 'blue', initials: 'KP' },
  { id: KARIN_A, name: 'Karin Andersson', color: 'orange', initials: 'KA' },
]);

let n = 0;
function shift(overrides: Partial<CalendarEvent>): CalendarEvent {
  n++;
  return {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    title: 'Arbete: Dag',
    startDate: '2026-03-23T07:00:00+01:00',
    endDate: '2026-03-23T15:30:00+01:00',
    allDay: false,
    source: 'tempus',
    editable: false,
    ownerUserId: KARIN_P,
    ownerName: 'Karin Persson',
    ownerColor: 'blue',
    status: 'scheduled',
    location: null,
    note: null,
    tempusId: `t${n}`,
    tempusAccountId: '00000000-0000-4000-8000-000000000098',
    subscriptionId: null,
    updatedAt: '2026-03-20T10:00:00Z',
    ...overrides,
  };
}
const manual = (overrides: Partial<CalendarEvent>) =>
  shift({ source: 'manual', editable: true, tempusId: null, tempusAccountId: null, status: 'scheduled', ...overrides });

const props = {
  people,
  today: '2026-03-25',
  phone: false,
  eventHref: (e: { id: string }) => `?event=${e.id}`,
  newHref: (day: string) => `?new=${day}`,
  dayHref: (day: string) => `?view=days&date=${day}`,
  handovers: (): ChildDayLine[] => [],
  canChange: false,
  back: '/calendar',
};

/** The links whose class list starts with `kind` ("event full", "event compact", "line"). */
function blocks(html: string, kind = 'event full') {
  return [...html.matchAll(new RegExp(`<a class="${kind}\\b([^"]*)"[^>]*>([\\s\\S]*?)</a>`, 'g'))].map((m) => ({ classes: m[1]!, html: m[0] }));
}

function text(html: string) {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '');
}

describe('WeekView rendering', () => {
  it('marks Tempus shifts with the badge and the owner in their colour, manual events without the badge', () => {
    const events = [shift({}), manual({ title: 'Tandläkare', startDate: '2026-03-24T10:00:00+01:00', endDate: '2026-03-24T12:00:00+01:00', ownerUserId: KARIN_A, ownerName: 'Karin Andersson', ownerColor: 'orange' })];
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events } });
    const [tempus, own] = blocks(body);
    expect(tempus!.html).toContain('>Tempus<');
    expect(text(tempus!.html)).toContain('Karin P');
    expect(tempus!.html).toContain('--person: #1d4ed8');
    expect(tempus!.html).toContain('Ändras i Tempus, inte här.');
    expect(own!.html).not.toContain('>Tempus<');
    expect(text(own!.html)).toContain('Karin A');
    expect(own!.html).toContain('--person: #b5400a');
  });

  it('strikes through cancelled shifts and says so', () => {
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [shift({ status: 'cancelled' })] } });
    const [block] = blocks(body);
    expect(block!.classes).toContain('cancelled');
    expect(block!.html).toContain('Inställt');
    expect(block!.html).toContain('inställt');
  });

  it('draws an overnight shift on two days, the second from midnight', () => {
    const natt = shift({ title: 'Arbete: Natt', startDate: '2026-03-24T21:30:00+01:00', endDate: '2026-03-25T07:15:00+01:00' });
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [natt] } });
    const [evening, morning] = blocks(body);
    expect(evening!.classes).toContain('ends-after');
    expect(evening!.html).toContain('top: 89.5833');
    expect(evening!.html).toMatch(/21:30 →/);
    expect(morning!.classes).toContain('starts-before');
    expect(morning!.html).toContain('top: 0%');
    expect(morning!.html).toMatch(/→ 07:15/);
  });

  it('draws the DST week with the night of the change ending at 07:00 on the wall clock', () => {
    const natt = shift({ startDate: '2026-03-28T22:00:00+01:00', endDate: '2026-03-29T07:00:00+02:00' });
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-29'), events: [natt] } });
    const [, sunday] = blocks(body);
    expect(sunday!.html).toContain('height: 29.1666');
    expect(sunday!.html).toMatch(/→ 07:00/);
  });

  it('keeps the time and title of a short event on one line', () => {
    const pickup = manual({ title: 'Hämta Elsa', startDate: '2026-03-23T16:00:00+01:00', endDate: '2026-03-23T16:30:00+01:00' });
    const [block] = blocks(render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [pickup] } }).body);
    expect(block!.classes).toContain('one-line');
    // Title first in the line, which shows it after the time or, where both do not fit, alone.
    expect(text(block!.html)).toMatch(/^Hämta Elsa16:00/);
  });

  it('gives the two Karins’ overlapping shifts a readable lane each on a desktop column', () => {
    const events = [shift({}), shift({ ownerUserId: KARIN_A, ownerName: 'Karin Andersson', ownerColor: 'orange', startDate: '2026-03-23T08:00:00+01:00' })];
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events } });
    const full = blocks(body);
    expect(full.map((b) => b.html.match(/width: calc\(100% \/ (\d+)\)/)?.[1])).toEqual(['2', '2']);
    expect(full.map((b) => text(b.html).match(/Karin [PA]/)?.[0])).toEqual(['Karin P', 'Karin A']);
  });

  it('draws lanes too narrow for text as compact blocks in the person’s colour that open the day', () => {
    const events = Array.from({ length: 3 }, (_, i) => shift({ startDate: `2026-03-23T0${7 + i}:00:00+01:00`, endDate: '2026-03-23T15:00:00+01:00' }));
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events } });
    expect(blocks(body)).toEqual([]);
    const compact = blocks(body, 'event compact');
    expect(compact).toHaveLength(3);
    for (const block of compact) {
      expect(block.html).toContain('href="?view=days&amp;date=2026-03-23"');
      expect(block.html).toContain('--person: #1d4ed8');
      expect(text(block.html)).toContain('KP');
      expect(text(block.html)).toContain('Visa dagen');
    }
  });

  it('draws every block compact on a phone until the columns are measured', () => {
    const { body } = render(WeekView, { props: { ...props, phone: true, days: weekDays('2026-03-23'), events: [shift({})] } });
    expect(blocks(body)).toEqual([]);
    expect(blocks(body, 'event compact')).toHaveLength(1);
  });

  it('draws all-day events as bands across exactly their days', () => {
    const sportlov = manual({ title: 'Sportlov', allDay: true, startDate: '2026-03-24T00:00:00+01:00', endDate: '2026-03-27T00:00:00+01:00' });
    const studiedag = manual({ title: 'Studiedag', allDay: true, startDate: '2026-03-27T00:00:00+01:00', endDate: '2026-03-28T00:00:00+01:00' });
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [sportlov, studiedag] } });
    expect(body).toMatch(/grid-column: 3 \/ span 3[^>]*>\s*<a[^>]*>[\s\S]*?Sportlov/);
    expect(body).toMatch(/grid-column: 6 \/ span 1[^>]*>\s*<a[^>]*>[\s\S]*?Studiedag/);
  });

  it('marks the current time on today’s column only', () => {
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [] } });
    expect(body.match(/data-testid="now-line"/g)).toHaveLength(1);
    const other = render(WeekView, { props: { ...props, days: weekDays('2026-03-30'), events: [] } }).body;
    expect(other).not.toContain('now-line');
  });
});

describe('MonthView rendering', () => {
  it('lists a night shift on both days and offers the rest of a busy day', () => {
    const busy = Array.from({ length: 5 }, (_, i) => shift({ startDate: `2026-03-10T0${i + 1}:00:00+01:00`, endDate: `2026-03-10T0${i + 2}:00:00+01:00` }));
    const natt = shift({ title: 'Arbete: Natt', startDate: '2026-03-27T21:30:00+01:00', endDate: '2026-03-28T07:15:00+01:00' });
    const { body } = render(MonthView, { props: { ...props, anchor: '2026-03-01', events: [...busy, natt] } });
    expect(body.match(/>Natt</g)).toHaveLength(2);
    expect(body).toContain('+2 till');
  });

  it('gives phones a coloured marker with the start time per event, in a link to the day', () => {
    const events = [shift({}), shift({ ownerUserId: KARIN_A, ownerName: 'Karin Andersson', ownerColor: 'orange', startDate: '2026-03-23T08:00:00+01:00' })];
    const { body } = render(MonthView, { props: { ...props, anchor: '2026-03-01', events } });
    const day = body.match(/<a class="phone-day[^"]*" href="\?view=days&amp;date=2026-03-23"[\s\S]*?<\/a>/)![0];
    expect([...day.matchAll(/data-testid="marker"[^>]*>\s*([^<]*?)\s*</g)].map((m) => m[1])).toEqual(['07:00', '08:00']);
    expect(day).toContain('--person: #1d4ed8');
    expect(day).toContain('--person: #b5400a');
    expect(text(day)).toContain('måndag 23 mars, 2 händelser');
  });
});

describe('DayList rendering', () => {
  it('lists each day with its events by time, the person’s name and colour, and cancelled shifts struck through', () => {
    const events = [
      manual({ title: 'Hämta Elsa', startDate: '2026-03-23T16:00:00+01:00', endDate: '2026-03-23T16:30:00+01:00', ownerUserId: KARIN_A, ownerName: 'Karin Andersson', ownerColor: 'orange' }),
      shift({}),
      shift({ title: 'Arbete: Kväll', status: 'cancelled', startDate: '2026-03-24T14:30:00+01:00', endDate: '2026-03-24T22:00:00+01:00' }),
    ];
    const { body } = render(DayList, { props: { ...props, days: ['2026-03-23', '2026-03-24', '2026-03-25'], events } });
    const lines = blocks(body, 'line');
    expect(lines.map((l) => text(l.html).split(',')[0]!.replace(/\s+/g, ' ').trim())).toEqual([
      '07:00–15:30 Dag Tempus Karin PKarin Persson',
      '16:00–16:30 Hämta Elsa Karin AKarin Andersson',
      '14:30–22:00 Kväll Tempus Karin PKarin Persson Inställt',
    ]);
    expect(lines[2]!.classes).toContain('cancelled');
    expect(body).toContain('Idag');
    expect(body).toContain('Inget planerat');
  });
});

describe('handovers in the day list and the week', () => {
  const elsa = (conflict: string | null): ChildDayLine => ({
    date: '2026-03-24',
    childId: '33333333-3333-4333-8333-333333333333',
    childName: 'Elsa',
    noCare: false,
    changed: false,
    note: null,
    handovers: [
      { kind: 'dropOff', label: 'Lämnar', who: 'Anna', time: '08:00', conflict: null, swapTo: null },
      { kind: 'pickUp', label: 'Hämtar', who: 'Karin', time: '16:30', conflict, swapTo: conflict ? { userId: KARIN_A, name: 'Anna' } : null },
    ],
  });
  const handovers = (conflict: string | null) => (day: string) => (day === '2026-03-24' ? [elsa(conflict)] : []);

  it('shows each day’s handovers under its heading in the day list, a conflict with a one-tap swap for parents', () => {
    const { body } = render(DayList, { props: { ...props, days: ['2026-03-23', '2026-03-24'], events: [], handovers: handovers('Karin jobbar till 17:00 — Anna är ledig'), canChange: true } });
    const line = body.match(/data-testid="handover-line"[\s\S]*?<\/li>/)![0];
    expect(text(line)).toContain('Elsa Lämnar: Anna 08:00 · Hämtar: Karin 16:30');
    expect(text(line)).toContain('Karin jobbar till 17:00 — Anna är ledig');
    expect(line).toContain('action="/pickups?/swap"');
    expect(text(line)).toContain('Anna hämtar');
  });

  it('shows the whole lines in a desktop week and, in a phone’s narrow columns, the child marked with a link to the day', () => {
    const desktop = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events: [], handovers: handovers(null) } }).body;
    expect(text(desktop.match(/data-testid="week-handovers"[\s\S]*?<div class="scroller/)![0])).toContain('Lämnar: Anna 08:00 · Hämtar: Karin 16:30');
    expect(desktop).not.toContain('/pickups?/swap');
    const phone = render(WeekView, { props: { ...props, phone: true, days: weekDays('2026-03-23'), events: [], handovers: handovers('Karin jobbar till 17:00 — Anna är ledig') } }).body;
    const compact = phone.match(/<a class="compact[^"]*" href="([^"]*)"[\s\S]*?<\/a>/)!;
    expect(compact[1]).toBe('?view=days&amp;date=2026-03-24');
    expect(text(compact[0])).toContain('⚠E');
    expect(text(compact[0])).toContain('Elsa: Lämnar: Anna 08:00 · Hämtar: Karin 16:30, krock');
  });
});
