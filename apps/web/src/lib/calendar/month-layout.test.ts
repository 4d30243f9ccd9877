import { describe, expect, it } from 'vitest';
import { entriesByDay, monthWeeks } from './month-layout';

describe('month layout', () => {
  it('covers the month with whole Monday-to-Sunday weeks', () => {
    const weeks = monthWeeks('2026-03-15');
    expect(weeks[0]![0]).toBe('2026-02-23');
    expect(weeks.at(-1)!.at(-1)).toBe('2026-04-05');
    expect(weeks).toHaveLength(6);
    expect(monthWeeks('2027-02-10')).toHaveLength(4);
  });

  it('lists an overnight shift on both of its days, all-day events first', () => {
    const natt = { id: 'natt', startDate: '2026-03-27T21:30:00+01:00', endDate: '2026-03-28T07:15:00+01:00', allDay: false };
    const party = { id: 'party', startDate: '2026-03-28T00:00:00+01:00', endDate: '2026-03-29T00:00:00+01:00', allDay: true };
    const byDay = entriesByDay([natt, party], ['2026-03-27', '2026-03-28', '2026-03-29']);
    expect(byDay.get('2026-03-27')).toMatchObject([{ event: natt, startsBefore: false, endsAfter: true }]);
    expect(byDay.get('2026-03-28')).toMatchObject([{ event: party }, { event: natt, startsBefore: true, endsAfter: false }]);
    expect(byDay.get('2026-03-29')).toEqual([]);
  });
});
