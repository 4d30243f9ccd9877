import { describe, expect, it } from 'vitest';
import { formatZoned, isSimulatedTimeZone, wallTimeAt, zonedToInstant } from './zoned-time.js';

const TZ = 'Europe/Stockholm';
const HOUR_MS = 3600 * 1000;
const midnight = (year: number, month: number, day: number): number =>
  zonedToInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, TZ);

describe('Stockholm wall times', () => {
  it('has a 23-hour day when summer time begins and a 25-hour day when it ends', () => {
    expect(midnight(2026, 3, 30) - midnight(2026, 3, 29)).toBe(23 * HOUR_MS);
    expect(midnight(2026, 10, 26) - midnight(2026, 10, 25)).toBe(25 * HOUR_MS);
    expect(midnight(2026, 3, 29) - midnight(2026, 3, 28)).toBe(24 * HOUR_MS);
  });

  it('writes a Natt shift across the spring change with +01:00 start and +02:00 end', () => {
    const start = zonedToInstant({ year: 2026, month: 3, day: 28, hour: 22, minute: 0, second: 0 }, TZ);
    const end = zonedToInstant({ year: 2026, month: 3, day: 29, hour: 7, minute: 0, second: 0 }, TZ);
    expect(new Date(start).toISOString()).toBe('2026-03-28T21:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2026-03-29T05:00:00.000Z');
    expect(formatZoned(start, TZ)).toBe('2026-03-28T22:00:00+01:00');
    expect(formatZoned(end, TZ)).toBe('2026-03-29T07:00:00+02:00');
    expect(end - start).toBe(8 * HOUR_MS);
  });

  it('writes a Natt shift across the autumn change with +02:00 start and +01:00 end', () => {
    const start = zonedToInstant({ year: 2026, month: 10, day: 24, hour: 21, minute: 30, second: 0 }, TZ);
    const end = zonedToInstant({ year: 2026, month: 10, day: 25, hour: 7, minute: 15, second: 0 }, TZ);
    expect(formatZoned(start, TZ)).toBe('2026-10-24T21:30:00+02:00');
    expect(formatZoned(end, TZ)).toBe('2026-10-25T07:15:00+01:00');
    expect(end - start).toBe(10 * HOUR_MS + 45 * 60_000);
  });

  it('shows the clock jump at the instants of the changes', () => {
    expect(formatZoned(Date.parse('2026-03-29T00:59:59Z'), TZ)).toBe('2026-03-29T01:59:59+01:00');
    expect(formatZoned(Date.parse('2026-03-29T01:00:00Z'), TZ)).toBe('2026-03-29T03:00:00+02:00');
    expect(formatZoned(Date.parse('2026-10-25T00:59:59Z'), TZ)).toBe('2026-10-25T02:59:59+02:00');
    expect(formatZoned(Date.parse('2026-10-25T01:00:00Z'), TZ)).toBe('2026-10-25T02:00:00+01:00');
  });

  it('moves a wall time in the skipped spring hour forward and reads the repeated autumn hour as winter time', () => {
    const skipped = zonedToInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, TZ);
    expect(formatZoned(skipped, TZ)).toBe('2026-03-29T03:30:00+02:00');
    const repeated = zonedToInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, TZ);
    expect(formatZoned(repeated, TZ)).toBe('2026-10-25T02:30:00+01:00');
  });

  it('reads the calendar day in Stockholm, not in UTC', () => {
    expect(wallTimeAt(Date.parse('2026-06-30T22:30:00Z'), TZ)).toEqual({ year: 2026, month: 7, day: 1, hour: 0, minute: 30, second: 0 });
    expect(wallTimeAt(Date.parse('2026-12-31T23:00:00Z'), TZ)).toEqual({ year: 2027, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  });

  it('simulates Europe/Stockholm only and refuses to place times in another zone', () => {
    expect(isSimulatedTimeZone(TZ)).toBe(true);
    expect(isSimulatedTimeZone('Europe/Helsinki')).toBe(false);
    expect(() => formatZoned(0, 'Europe/Helsinki')).toThrow(RangeError);
  });
});
