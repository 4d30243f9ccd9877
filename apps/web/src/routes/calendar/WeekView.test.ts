import type { CalendarEvent } from '@familyhub/shared';
import { render } from 'svelte/server';
import { describe, expect, it } from 'vitest';
import MonthView from './MonthView.svelte';
import WeekView from './WeekView.svelte';
import { weekDays } from '$lib/calendar/zoned-time';

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
    ownerUserId: '00000000-0000-4000-8000-000000000099',
    ownerName: 'Anna Svensson',
    ownerColor: 'blue',
    status: 'scheduled',
    location: null,
    note: null,
    tempusId: `t${n}`,
    tempusAccountId: '00000000-0000-4000-8000-000000000098',
    updatedAt: '2026-03-20T10:00:00Z',
    ...overrides,
  };
}

const props = {
  today: '2026-03-25',
  eventHref: (e: { id: string }) => `?event=${e.id}`,
  newHref: (day: string) => `?new=${day}`,
  weekHref: (day: string) => `?date=${day}`,
};

function blocks(html: string) {
  return [...html.matchAll(/<a class="event([^"]*)"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => ({ classes: m[1]!, html: m[0] }));
}

function text(html: string) {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]+>/g, '');
}

describe('WeekView rendering', () => {
  it('marks Tempus shifts with the badge and owner, read-only, and manual events without', () => {
    const events = [shift({}), shift({ source: 'manual', title: 'Tandläkare', ownerName: 'Erik', editable: true, tempusId: null, tempusAccountId: null })];
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events } });
    const [tempus, manual] = blocks(body);
    expect(tempus!.classes).toContain('tempus');
    expect(tempus!.html).toContain('>Tempus<');
    expect(text(tempus!.html)).toContain('Anna Svensson');
    expect(tempus!.html).toContain('Ändras i Tempus, inte här.');
    expect(manual!.classes).not.toContain('tempus');
    expect(manual!.html).not.toContain('>Tempus<');
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

  it('shares the width between many overlapping shifts', () => {
    const events = Array.from({ length: 4 }, (_, i) => shift({ startDate: `2026-03-23T${String(7 + i).padStart(2, '0')}:00:00+01:00`, endDate: '2026-03-23T15:00:00+01:00' }));
    const { body } = render(WeekView, { props: { ...props, days: weekDays('2026-03-23'), events } });
    const widths = blocks(body).map((b) => b.html.match(/width: calc\(100% \/ (\d+)\)/)?.[1]);
    expect(widths).toEqual(['4', '4', '4', '4']);
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
});
