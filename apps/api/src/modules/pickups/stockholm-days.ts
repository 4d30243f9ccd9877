/**
 * Days on the family's wall calendar (Europe/Stockholm), written `YYYY-MM-DD`, and the
 * instant a wall-clock time names on one of them, DST days included: a time skipped when the
 * clocks go forward is read with the offset before the change (02:30 is 03:30 summer time),
 * a time that comes twice when they go back is the first of the two.
 */
import { wallTimeAt } from '@familyhub/shared/wall-time';
import { FAMILY_TIME_ZONE, instantInZone } from '../subscriptions/time-zones.js';

export type CivilDate = string;
const DAY_MS = 86_400_000;

function utcMidnight(date: CivilDate): number {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return Date.UTC(year, month - 1, day);
}

function fromUtcMidnight(ms: number): CivilDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: CivilDate, days: number): CivilDate {
  return fromUtcMidnight(utcMidnight(date) + days * DAY_MS);
}

/** The days from `from` to `to`, both included. */
export function daysBetween(from: CivilDate, to: CivilDate): CivilDate[] {
  const out: CivilDate[] = [];
  for (let ms = utcMidnight(from); ms <= utcMidnight(to); ms += DAY_MS) out.push(fromUtcMidnight(ms));
  return out;
}

/** 1 (Monday) … 7 (Sunday), as care routines number weekdays. */
export function isoWeekday(date: CivilDate): number {
  return ((new Date(utcMidnight(date)).getUTCDay() + 6) % 7) + 1;
}

/** The day it is in Stockholm at `instant`. */
export function stockholmDate(instant: Date): CivilDate {
  const w = wallTimeAt(instant, FAMILY_TIME_ZONE);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant Stockholm's wall clock shows `time` (`HH:MM`) on `date`. */
export function stockholmInstant(date: CivilDate, time: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const [hour, minute] = time.split(':').map(Number) as [number, number];
  return instantInZone({ year, month, day, hour, minute, second: 0 }, FAMILY_TIME_ZONE);
}

/** Stockholm's wall clock at `instant`, `HH:MM`. */
export function stockholmClock(instant: Date): string {
  const w = wallTimeAt(instant, FAMILY_TIME_ZONE);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}
