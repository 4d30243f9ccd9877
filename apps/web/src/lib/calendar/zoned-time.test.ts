import { describe, expect, it } from 'vitest';
import { addDays, dayBounds, isoWeek, startOfWeek, wallClock, weekDays, zonedInstant } from './zoned-time';

describe('zoned time in Europe/Stockholm', () => {
  it('starts weeks on Monday', () => {
    expect(startOfWeek('2026-03-29')).toBe('2026-03-23');
    expect(startOfWeek('2026-03-23')).toBe('2026-03-23');
    expect(weekDays('2026-03-25')).toEqual(['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29']);
  });

  it('gives the spring-forward day 23 hours and the autumn day 25', () => {
    const spring = dayBounds('2026-03-29');
    expect(spring.start.toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(spring.end.getTime() - spring.start.getTime()).toBe(23 * 3_600_000);
    const autumn = dayBounds('2026-10-25');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3_600_000);
  });

  it('turns wall-clock times into instants with the offset of that day', () => {
    expect(zonedInstant('2026-01-15', '09:30').toISOString()).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedInstant('2026-07-15', '09:30').toISOString()).toBe('2026-07-15T07:30:00.000Z');
    expect(wallClock(new Date('2026-03-29T05:15:00Z'))).toBe('07:15');
  });

  it('moves a time skipped by the spring change past the gap', () => {
    expect(zonedInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('numbers weeks the ISO way, as Swedish calendars do', () => {
    expect(isoWeek('2026-03-23')).toBe(13);
    expect(isoWeek('2027-01-01')).toBe(53);
    expect(isoWeek('2026-12-31')).toBe(53);
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
