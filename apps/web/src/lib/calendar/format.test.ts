import { describe, expect, it } from 'vitest';
import { formatMonthTitle, formatTimeRange, formatWeekTitle, formatWhen } from './format';

describe('Swedish formatting', () => {
  it('writes times in 24-hour Stockholm time', () => {
    expect(formatTimeRange('2026-03-28T21:00:00Z', '2026-03-29T05:00:00Z')).toBe('22:00–07:00');
  });

  it('titles weeks with their ISO number and months capitalised', () => {
    expect(formatWeekTitle('2026-03-23')).toBe('Vecka 13 · 23–29 mars 2026');
    expect(formatWeekTitle('2026-03-30')).toBe('Vecka 14 · 30 mars–5 april 2026');
    expect(formatMonthTitle('2026-03-01')).toBe('Mars 2026');
  });

  it('says today and yesterday in words', () => {
    const now = new Date('2026-03-28T12:00:00Z');
    expect(formatWhen('2026-03-28T13:05:00Z', now)).toBe('idag 14:05');
    expect(formatWhen('2026-03-27T08:30:00Z', now)).toBe('igår 09:30');
    expect(formatWhen('2026-03-29T04:00:00Z', now)).toBe('imorgon 06:00');
  });
});
