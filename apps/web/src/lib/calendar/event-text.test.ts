import { describe, expect, it } from 'vitest';
import { accessibleDetails, type CalendarItem } from './event-text';

const base: CalendarItem = {
  id: 'e1',
  title: 'Dag',
  startDate: '2026-12-07T06:00:00.000Z',
  endDate: '2026-12-07T14:30:00.000Z',
  allDay: false,
  source: 'ics',
  ownerUserId: 'u1',
  ownerName: 'Karin Persson',
  ownerColor: 'blue',
  status: 'scheduled',
  editable: false,
};

describe('what a screen reader hears of an event', () => {
  it('says a subscribed event comes from a calendar its owner subscribes to', () => {
    expect(accessibleDetails(base)).toContain('från en kalender som Karin Persson prenumererar på');
  });

  it('says a cancelled event is cancelled, whatever its source', () => {
    for (const source of ['ics', 'tempus', 'manual'] as const) {
      expect(accessibleDetails({ ...base, source, status: 'cancelled' })).toMatch(/, inställt$/);
    }
    expect(accessibleDetails(base)).not.toContain('inställt');
  });
});
