import { describe, expect, it } from 'vitest';
import { readDate, readTime } from './typed-input';

describe('times typed into the event form', () => {
  it('reads 24-hour times however they are typed', () => {
    for (const [typed, time] of [
      ['16:00', '16:00'],
      ['1600', '16:00'],
      ['9', '09:00'],
      ['930', '09:30'],
      ['9.30', '09:30'],
      [' 07:15 ', '07:15'],
      ['0', '00:00'],
      ['23:59', '23:59'],
    ]) {
      expect(readTime(typed!), typed).toBe(time);
    }
  });

  it('refuses what is not a time of day, AM/PM included', () => {
    for (const typed of ['24:00', '9:60', '9 AM', '09:00 PM', '12345', '', 'nio']) expect(readTime(typed), typed).toBeNull();
  });
});

describe('dates typed into the event form', () => {
  const today = '2026-03-24';

  it('reads year-month-day and the Swedish day/month', () => {
    for (const [typed, date] of [
      ['2026-03-28', '2026-03-28'],
      ['2026-3-8', '2026-03-08'],
      ['20261231', '2026-12-31'],
      ['28/3', '2026-03-28'],
      ['1/12 2027', '2027-12-01'],
      ['1/12/2027', '2027-12-01'],
    ]) {
      expect(readDate(typed!, today), typed).toBe(date);
    }
  });

  it('refuses dates that do not exist and the American order', () => {
    for (const typed of ['2026-02-30', '31/4', '12/31/2026', 'imorgon', '']) expect(readDate(typed, today), typed).toBeNull();
  });
});
