/**
 * Calendar dates and wall-clock times in one IANA time zone (Europe/Stockholm by default),
 * computed with Intl so that days of 23 and 25 hours (the DST changes) come out right.
 * A `CivilDate` is a day on the wall calendar, written `YYYY-MM-DD`.
 */
import { wallTimeAt, type WallTime } from '@familyhub/shared/wall-time';

export const TIME_ZONE = 'Europe/Stockholm';

export type CivilDate = string;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export function wallTime(instant: Date, timeZone = TIME_ZONE): WallTime {
  return wallTimeAt(instant, timeZone);
}

/** How far the zone's wall clock is ahead of UTC at this instant, in milliseconds. */
export function zoneOffsetMs(instant: Date, timeZone = TIME_ZONE): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function civilDate(year: number, month: number, day: number): CivilDate {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

export function parseCivilDate(date: CivilDate): { year: number; month: number; day: number } {
  const [year, month, day] = date.split('-').map(Number);
  return { year: year ?? 1970, month: month ?? 1, day: day ?? 1 };
}

export function isCivilDate(value: string): value is CivilDate {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const { year, month, day } = parseCivilDate(value);
  const utc = new Date(Date.UTC(year, month - 1, day));
  return utc.getUTCFullYear() === year && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
}

export function isWallClock(value: string): boolean {
  return /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
}

export function civilDateOf(instant: Date, timeZone = TIME_ZONE): CivilDate {
  const w = wallTime(instant, timeZone);
  return civilDate(w.year, w.month, w.day);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  const { year, month, day } = parseCivilDate(date);
  const utc = new Date(Date.UTC(year, month - 1, day) + days * DAY_MS);
  return civilDate(utc.getUTCFullYear(), utc.getUTCMonth() + 1, utc.getUTCDate());
}

export function addMonths(date: CivilDate, months: number): CivilDate {
  const { year, month } = parseCivilDate(date);
  const utc = new Date(Date.UTC(year, month - 1 + months, 1));
  return civilDate(utc.getUTCFullYear(), utc.getUTCMonth() + 1, 1);
}

/** 0 for Monday … 6 for Sunday: Swedish weeks start on Monday. */
export function weekdayIndex(date: CivilDate): number {
  const { year, month, day } = parseCivilDate(date);
  return (new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 6) % 7;
}

export function startOfWeek(date: CivilDate): CivilDate {
  return addDays(date, -weekdayIndex(date));
}

export function weekDays(date: CivilDate): CivilDate[] {
  const monday = startOfWeek(date);
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** ISO 8601 week number, the one printed in Swedish calendars. */
export function isoWeek(date: CivilDate): number {
  const thursday = parseCivilDate(addDays(startOfWeek(date), 3));
  const jan1 = Date.UTC(thursday.year, 0, 1);
  return Math.floor((Date.UTC(thursday.year, thursday.month - 1, thursday.day) - jan1) / (7 * DAY_MS)) + 1;
}

/**
 * The instant the zone's wall clock shows `time` on `date`. A time skipped by the spring
 * change (02:30 on the last Sunday of March) resolves to the same distance past the gap.
 */
export function zonedInstant(date: CivilDate, time = '00:00', timeZone = TIME_ZONE): Date {
  const { year, month, day } = parseCivilDate(date);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  const firstGuess = asUtc - zoneOffsetMs(new Date(asUtc), timeZone);
  const offset = zoneOffsetMs(new Date(firstGuess), timeZone);
  return new Date(asUtc - offset);
}

/** Local midnight of the day and of the next day: 23, 24 or 25 hours apart. */
export function dayBounds(date: CivilDate, timeZone = TIME_ZONE): { start: Date; end: Date } {
  return { start: zonedInstant(date, '00:00', timeZone), end: zonedInstant(addDays(date, 1), '00:00', timeZone) };
}

/** Minutes past midnight on the wall clock (so 07:15 is 435 even on a 23-hour day). */
export function wallMinutes(instant: Date, timeZone = TIME_ZONE): number {
  const w = wallTime(instant, timeZone);
  return w.hour * 60 + w.minute;
}

export function wallClock(instant: Date, timeZone = TIME_ZONE): string {
  const w = wallTime(instant, timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

export function todayIn(timeZone = TIME_ZONE, now = new Date()): CivilDate {
  return civilDateOf(now, timeZone);
}

export function minutesBetween(a: Date, b: Date): number {
  return Math.round((b.getTime() - a.getTime()) / MINUTE_MS);
}
