// RFC 3339 parsing and time-zone aware formatting. Shift times are rendered with the
// offset that is valid at each instant, so a shift across a DST change carries two
// different offsets. The only zone simulated is Europe/Stockholm, with offsets from the
// simulator's own DST rule (`stockholm-time.ts`): nothing here comes from the product's
// wall-time code, so the two can disagree when one of them is wrong.
import { STOCKHOLM, stockholmOffsetMinutes } from './stockholm-time.js';

/** A local date and clock time (the product has its own; this one is kept apart on purpose). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|[+-](\d{2}):(\d{2}))$/i;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number): boolean => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const daysInMonth = (year: number, month: number): number =>
  month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] as number);

/**
 * Returns epoch milliseconds, or null when the text is not an RFC 3339 timestamp with
 * offset. Every field is range-checked because Date.parse rolls impossible dates over
 * (2026-02-30 becomes 2026-03-02) instead of refusing them. A leap second (:60) cannot be
 * represented as an instant here and is refused too.
 */
export function parseRfc3339(text: string): number | null {
  const match = RFC3339.exec(text);
  if (!match) return null;
  // A Z offset leaves the two offset groups empty; they then read as 0.
  const [year, month, day, hour, minute, second, offsetHour, offsetMinute] = match
    .slice(1)
    .map((part) => Number(part ?? 0)) as [number, number, number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59 || offsetHour > 23 || offsetMinute > 59) return null;
  const ms = Date.parse(text.toUpperCase());
  return Number.isNaN(ms) ? null : ms;
}

function wallTimeAsUtcMs(w: WallTime): number {
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
}

/** Whether the simulator can place shifts in `timeZone`. */
export function isSimulatedTimeZone(timeZone: string): boolean {
  return timeZone === STOCKHOLM;
}

function offsetMinutesAt(ms: number, timeZone: string): number {
  if (!isSimulatedTimeZone(timeZone)) throw new RangeError(`The simulator knows only ${STOCKHOLM}, not ${timeZone}`);
  return stockholmOffsetMinutes(ms);
}

/** The wall-clock time `timeZone` shows at an instant (whole seconds). */
export function wallTimeAt(ms: number, timeZone: string): WallTime {
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutesAt(ms, timeZone) * 60_000);
  return {
    year: local.getUTCFullYear(),
    month: local.getUTCMonth() + 1,
    day: local.getUTCDate(),
    hour: local.getUTCHours(),
    minute: local.getUTCMinutes(),
    second: local.getUTCSeconds(),
  };
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Formats an instant as local time with its offset, e.g. 2026-03-29T07:00:00+02:00. */
export function formatZoned(ms: number, timeZone: string): string {
  const offset = offsetMinutesAt(ms, timeZone);
  const w = wallTimeAt(ms, timeZone);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return (
    `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}` +
    `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
  );
}

/** Converts a local wall time to an instant. Times inside a spring-forward gap resolve forward. */
export function zonedToInstant(w: WallTime, timeZone: string): number {
  const wallMs = wallTimeAsUtcMs(w);
  const firstGuess = wallMs - offsetMinutesAt(wallMs, timeZone) * 60_000;
  return wallMs - offsetMinutesAt(firstGuess, timeZone) * 60_000;
}
