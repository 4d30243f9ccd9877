/**
 * Dates and times as people type them into the event form, read the Swedish way whatever
 * the browser's language: 24-hour times and year-month-day dates. The form uses plain text
 * fields because the browser's own date and time controls show "09:00 AM" and "12/01/2026"
 * on a phone set to English.
 */
import { civilDate, isCivilDate, parseCivilDate, type CivilDate } from './zoned-time.js';

/** "9", "930", "0930", "9:30", "9.30" and "09:30" all become "09:30"; anything else null. */
export function readTime(text: string): string | null {
  const match = /^(\d{1,2})(?:[:.,]?(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? 0);
  if (hour > 23 || minute > 59) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * "2026-03-24", "2026-3-24" and "20260324", or the day and month as Swedes write them
 * ("24/3", "24/3 2026", "24/3/2026"; without a year, the one of `today`); anything else null.
 */
export function readDate(text: string, today: CivilDate): CivilDate | null {
  const value = text.trim();
  const iso = /^(\d{4})-?(\d{1,2})-?(\d{1,2})$/.exec(value);
  const dayMonth = /^(\d{1,2})\/(\d{1,2})(?:[/ ](\d{4}))?$/.exec(value);
  const parts = iso
    ? { year: Number(iso[1]), month: Number(iso[2]), day: Number(iso[3]) }
    : dayMonth
      ? { year: Number(dayMonth[3] ?? parseCivilDate(today).year), month: Number(dayMonth[2]), day: Number(dayMonth[1]) }
      : null;
  if (!parts) return null;
  const date = civilDate(parts.year, parts.month, parts.day);
  return isCivilDate(date) ? date : null;
}
