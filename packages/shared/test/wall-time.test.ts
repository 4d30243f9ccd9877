import { describe, expect, it } from 'vitest';
import { isValidTimeZone, wallTimeAt } from '../src/wall-time.js';

describe('wallTimeAt', () => {
  it('reads the Stockholm wall clock on both sides of the spring and autumn changes', () => {
    const at = (iso: string) => wallTimeAt(new Date(iso), 'Europe/Stockholm');
    expect(at('2026-03-29T00:59:59Z')).toEqual({ year: 2026, month: 3, day: 29, hour: 1, minute: 59, second: 59 });
    expect(at('2026-03-29T01:00:00Z')).toEqual({ year: 2026, month: 3, day: 29, hour: 3, minute: 0, second: 0 });
    expect(at('2026-10-25T00:30:00Z')).toMatchObject({ day: 25, hour: 2, minute: 30 });
    expect(at('2026-10-25T01:30:00Z')).toMatchObject({ day: 25, hour: 2, minute: 30 });
  });

  it('takes epoch milliseconds as well as dates, and gives midnight as hour 0', () => {
    expect(wallTimeAt(Date.parse('2026-12-31T23:00:00Z'), 'Europe/Stockholm')).toEqual({ year: 2027, month: 1, day: 1, hour: 0, minute: 0, second: 0 });
  });

  it('knows real time zones and refuses made-up ones', () => {
    expect(isValidTimeZone('Europe/Stockholm')).toBe(true);
    expect(isValidTimeZone('Europe/Atlantis')).toBe(false);
  });
});
