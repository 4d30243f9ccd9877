/**
 * The day list ("Dagar"): each day with what happens on it, all-day events first, then by
 * time, an overnight shift on both of its days. A day's lines are a union by `kind`, so
 * other kinds of line (the pickups and drop-offs of a later issue) can join in time order.
 */
import { entriesByDay } from './month-layout.js';
import type { Timed } from './event-span.js';
import type { CivilDate } from './zoned-time.js';

export interface EventLine<E> {
  kind: 'event';
  event: E;
  startsBefore: boolean;
  endsAfter: boolean;
}

export type DayLine<E> = EventLine<E>;

export interface ListedDay<E> {
  day: CivilDate;
  lines: DayLine<E>[];
}

export function listDays<E extends Timed>(events: readonly E[], days: readonly CivilDate[], timeZone?: string): ListedDay<E>[] {
  const byDay = entriesByDay(events, days, timeZone);
  return days.map((day) => ({ day, lines: (byDay.get(day) ?? []).map((entry) => ({ kind: 'event' as const, ...entry })) }));
}
