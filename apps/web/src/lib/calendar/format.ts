/** Swedish (sv-SE) wording of dates and times in the family's time zone. */
import { addDays, civilDateOf, isoWeek, parseCivilDate, TIME_ZONE, todayIn, weekdayIndex, zonedInstant, type CivilDate } from './zoned-time.js';

const LOCALE = 'sv-SE';

function formatter(options: Intl.DateTimeFormatOptions, timeZone: string) {
  return new Intl.DateTimeFormat(LOCALE, { timeZone, ...options });
}

/** A civil date as an instant at noon there, so formatting never slips to a neighbouring day. */
const noonOf = (date: CivilDate, timeZone: string) => zonedInstant(date, '12:00', timeZone);

export function formatTime(instant: Date | string, timeZone = TIME_ZONE): string {
  return formatter({ hour: '2-digit', minute: '2-digit' }, timeZone).format(new Date(instant));
}

export function formatTimeRange(start: Date | string, end: Date | string, timeZone = TIME_ZONE): string {
  return `${formatTime(start, timeZone)}–${formatTime(end, timeZone)}`;
}

/**
 * The weekday abbreviations of every view, Monday first. Intl's Swedish ones are not all
 * three letters ("tors"), so the calendar keeps its own.
 */
export const WEEKDAYS_SHORT = ['mån', 'tis', 'ons', 'tor', 'fre', 'lör', 'sön'] as const;

export function weekdayShort(date: CivilDate): string {
  return WEEKDAYS_SHORT[weekdayIndex(date)]!;
}

/** "mån 23" for column headers. */
export function formatDayShort(date: CivilDate): string {
  return `${weekdayShort(date)} ${parseCivilDate(date).day}`;
}

/** "måndag 23 mars". */
export function formatDayLong(date: CivilDate, timeZone = TIME_ZONE): string {
  return formatter({ weekday: 'long', day: 'numeric', month: 'long' }, timeZone).format(noonOf(date, timeZone));
}

/** "Mars 2026": capitalised, as it stands alone as a heading. */
export function formatMonthTitle(date: CivilDate, timeZone = TIME_ZONE): string {
  const text = formatter({ month: 'long', year: 'numeric' }, timeZone).format(noonOf(date, timeZone));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "Vecka 13 · 23–29 mars 2026", or across months "Vecka 14 · 30 mars–5 april 2026". */
export function formatWeekTitle(monday: CivilDate, timeZone = TIME_ZONE): string {
  const sunday = addDays(monday, 6);
  const a = parseCivilDate(monday);
  const b = parseCivilDate(sunday);
  const dayMonth = formatter({ day: 'numeric', month: 'long' }, timeZone);
  const from = a.month === b.month ? String(a.day) : dayMonth.format(noonOf(monday, timeZone));
  const to = `${dayMonth.format(noonOf(sunday, timeZone))} ${b.year}`;
  return `Vecka ${isoWeek(monday)} · ${from}–${to}`;
}

/** "fre 27 mars". */
export function formatDateShort(date: CivilDate, timeZone = TIME_ZONE): string {
  const dayMonth = formatter({ day: 'numeric', month: 'short' }, timeZone).format(noonOf(date, timeZone)).replaceAll('.', '');
  return `${weekdayShort(date)} ${dayMonth}`;
}

/** "fre 27 mars 22:00". */
export function formatDateTime(instant: Date | string, timeZone = TIME_ZONE): string {
  return `${formatDateShort(civilDateOf(new Date(instant), timeZone), timeZone)} ${formatTime(instant, timeZone)}`;
}

/** "24–30 mars 2026", or across months "30 mars–5 april 2026": the days a list shows. */
export function formatDayRange(first: CivilDate, last: CivilDate, timeZone = TIME_ZONE): string {
  const a = parseCivilDate(first);
  const b = parseCivilDate(last);
  const dayMonth = formatter({ day: 'numeric', month: 'long' }, timeZone);
  const from = a.month === b.month && a.year === b.year ? String(a.day) : dayMonth.format(noonOf(first, timeZone));
  return `${from}–${dayMonth.format(noonOf(last, timeZone))} ${b.year}`;
}

/** "Idag", "Imorgon" or "Igår" for those days, otherwise null. */
export function relativeDay(date: CivilDate, today: CivilDate): string | null {
  if (date === today) return 'Idag';
  if (date === addDays(today, 1)) return 'Imorgon';
  if (date === addDays(today, -1)) return 'Igår';
  return null;
}

/** "idag 14:05", "igår 09:30", "imorgon 06:00", otherwise the date and time. */
export function formatWhen(instant: Date | string, now = new Date(), timeZone = TIME_ZONE): string {
  const date = civilDateOf(new Date(instant), timeZone);
  const today = todayIn(timeZone, now);
  const time = formatTime(instant, timeZone);
  if (date === today) return `idag ${time}`;
  if (date === addDays(today, -1)) return `igår ${time}`;
  if (date === addDays(today, 1)) return `imorgon ${time}`;
  return formatDateTime(instant, timeZone);
}
