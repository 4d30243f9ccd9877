import { describe, expect, it } from 'vitest';
import { listDays } from './day-list';

let nextId = 0;
const event = (title: string, startDate: string, endDate: string, allDay = false) => ({ id: `e${++nextId}`, title, startDate, endDate, allDay });

describe('the day list', () => {
  it('lists every day, all-day events first and the rest by time, a night shift on both days', () => {
    const days = ['2026-03-23', '2026-03-24', '2026-03-25'];
    const listed = listDays(
      [
        event('Hämta Elsa', '2026-03-23T16:00:00+01:00', '2026-03-23T16:30:00+01:00'),
        event('Dag', '2026-03-23T07:00:00+01:00', '2026-03-23T15:30:00+01:00'),
        event('Studiedag', '2026-03-23T00:00:00+01:00', '2026-03-24T00:00:00+01:00', true),
        event('Natt', '2026-03-23T21:30:00+01:00', '2026-03-24T07:15:00+01:00'),
      ],
      days,
    );
    expect(listed.map((d) => [d.day, d.lines.map((l) => l.event.title)])).toEqual([
      ['2026-03-23', ['Studiedag', 'Dag', 'Hämta Elsa', 'Natt']],
      ['2026-03-24', ['Natt']],
      ['2026-03-25', []],
    ]);
    expect(listed[1]!.lines[0]).toMatchObject({ kind: 'event', startsBefore: true, endsAfter: false });
  });

  it('keeps the 23-hour spring day and the 25-hour autumn day whole', () => {
    const spring = event('Natt', '2026-03-28T22:00:00+01:00', '2026-03-29T07:00:00+02:00');
    const late = event('Sent', '2026-03-29T23:30:00+02:00', '2026-03-29T23:45:00+02:00');
    const autumn = event('Repeterad timme', '2026-10-25T02:30:00+01:00', '2026-10-25T03:00:00+01:00');
    expect(listDays([spring, late], ['2026-03-29', '2026-03-30'])[0]!.lines.map((l) => l.event.title)).toEqual(['Natt', 'Sent']);
    expect(listDays([autumn], ['2026-10-24', '2026-10-25', '2026-10-26']).map((d) => d.lines.length)).toEqual([0, 1, 0]);
  });
});
