import { describe, expect, it } from 'vitest';
import { stockholmOffsetMinutes } from './stockholm-time.js';

const at = (iso: string): number => Date.parse(iso);

describe('Europe/Stockholm offsets', () => {
  it('switches to summer time (+02:00) at 01:00 UTC on 2026-03-29', () => {
    expect(stockholmOffsetMinutes(at('2026-03-29T00:59:59.999Z'))).toBe(60);
    expect(stockholmOffsetMinutes(at('2026-03-29T01:00:00Z'))).toBe(120);
  });

  it('switches back to winter time (+01:00) at 01:00 UTC on 2026-10-25', () => {
    expect(stockholmOffsetMinutes(at('2026-10-25T00:59:59.999Z'))).toBe(120);
    expect(stockholmOffsetMinutes(at('2026-10-25T01:00:00Z'))).toBe(60);
  });

  it('keeps +01:00 all winter and +02:00 all summer', () => {
    for (const iso of ['2026-01-01T00:00:00Z', '2026-02-28T23:00:00Z', '2026-03-28T12:00:00Z', '2026-10-26T00:00:00Z', '2026-12-31T23:59:59Z']) {
      expect(stockholmOffsetMinutes(at(iso)), iso).toBe(60);
    }
    for (const iso of ['2026-03-30T00:00:00Z', '2026-06-21T12:00:00Z', '2026-10-24T23:59:59Z']) {
      expect(stockholmOffsetMinutes(at(iso)), iso).toBe(120);
    }
  });

  // The published EU summer-time dates, including a last Sunday that is the 31st (2030),
  // one that is the 25th (2029) and a leap year (2028).
  it.each([
    ['2024-03-31', '2024-10-27'],
    ['2025-03-30', '2025-10-26'],
    ['2027-03-28', '2027-10-31'],
    ['2028-03-26', '2028-10-29'],
    ['2029-03-25', '2029-10-28'],
    ['2030-03-31', '2030-10-27'],
  ])('has summer time from %s to %s, 01:00 UTC', (start, end) => {
    expect(stockholmOffsetMinutes(at(`${start}T00:59:59Z`))).toBe(60);
    expect(stockholmOffsetMinutes(at(`${start}T01:00:00Z`))).toBe(120);
    expect(stockholmOffsetMinutes(at(`${end}T00:59:59Z`))).toBe(120);
    expect(stockholmOffsetMinutes(at(`${end}T01:00:00Z`))).toBe(60);
  });

  it('agrees with the tz database every day from 1996 to 2037 and at every change', () => {
    // An outside authority for the rule, read only here: the simulator itself never uses Intl.
    const tzdb = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', timeZoneName: 'longOffset' });
    const tzdbOffset = (ms: number): number => {
      const name = tzdb.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? '';
      const match = /^GMT([+-])(\d{2}):(\d{2})$/.exec(name);
      if (!match) throw new Error(`unexpected offset ${name}`);
      return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
    };
    const HOUR_MS = 3600 * 1000;
    let changes = 0;
    for (let ms = at('1996-01-01T00:00:00Z'); ms < at('2038-01-01T00:00:00Z'); ms += 24 * HOUR_MS) {
      expect(stockholmOffsetMinutes(ms), new Date(ms).toISOString()).toBe(tzdbOffset(ms));
      const change = ms + HOUR_MS;
      if (tzdbOffset(change) !== tzdbOffset(change - 1)) {
        changes += 1;
        expect(stockholmOffsetMinutes(change - 1), new Date(change - 1).toISOString()).toBe(tzdbOffset(change - 1));
        expect(stockholmOffsetMinutes(change), new Date(change).toISOString()).toBe(tzdbOffset(change));
      }
    }
    expect(changes).toBe(2 * 42);
  });
});
