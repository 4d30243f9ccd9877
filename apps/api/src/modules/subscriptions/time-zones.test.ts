import { describe, expect, it } from 'vitest';
import { ianaZoneOf, instantInZone } from './time-zones.js';

const at = (year: number, month: number, day: number, hour: number, minute = 0) => ({ year, month, day, hour, minute, second: 0 });

describe('time zones of feeds', () => {
  it.each([
    ['Europe/Stockholm', 'Europe/Stockholm'],
    ['"Europe/Stockholm"', 'Europe/Stockholm'],
    ['W. Europe Standard Time', 'Europe/Stockholm'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['GMT Standard Time', 'Europe/London'],
    ['/mozilla.org/20050126_1/Europe/Stockholm', 'Europe/Stockholm'],
    ['Ingen zon alls', null],
  ])('maps TZID %s to %s', (tzid, zone) => {
    expect(ianaZoneOf(tzid)).toBe(zone);
  });

  it('reads wall times in Stockholm with the offset in force, across both DST changes', () => {
    expect(instantInZone(at(2026, 1, 15, 8), 'Europe/Stockholm').toISOString()).toBe('2026-01-15T07:00:00.000Z');
    expect(instantInZone(at(2026, 7, 15, 8), 'Europe/Stockholm').toISOString()).toBe('2026-07-15T06:00:00.000Z');
  });

  it('takes the first of a time repeated when the clocks go back (RFC 5545 3.3.5)', () => {
    expect(instantInZone(at(2026, 10, 25, 2, 30), 'Europe/Stockholm').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('reads a time skipped when the clocks go forward with the offset before the change', () => {
    expect(instantInZone(at(2026, 3, 29, 2, 30), 'Europe/Stockholm').toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });
});
