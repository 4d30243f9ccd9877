/**
 * The month view's grid (whole Monday-to-Sunday weeks around the month) and which events
 * each day lists, overnight shifts on both of their days.
 */
import { byStart, sliceOnDay, type Timed } from './event-span.js';
import { addDays, parseCivilDate, startOfWeek, civilDate, TIME_ZONE, type CivilDate } from './zoned-time.js';

export interface DayEntry<E> {
  event: E;
  startsBefore: boolean;
  endsAfter: boolean;
}

export function monthWeeks(anchor: CivilDate): CivilDate[][] {
  const { year, month } = parseCivilDate(anchor);
  const first = civilDate(year, month, 1);
  const weeks: CivilDate[][] = [];
  let monday = startOfWeek(first);
  do {
    weeks.push(Array.from({ length: 7 }, (_, i) => addDays(monday, i)));
    monday = addDays(monday, 7);
  } while (parseCivilDate(monday).month === month);
  return weeks;
}

export function entriesByDay<E extends Timed>(
  events: readonly E[],
  days: readonly CivilDate[],
  timeZone = TIME_ZONE,
): Map<CivilDate, DayEntry<E>[]> {
  const sorted = [...events].sort(byStart);
  const byDay = new Map<CivilDate, DayEntry<E>[]>();
  for (const day of days) {
    const entries: DayEntry<E>[] = [];
    for (const event of sorted) {
      const slice = sliceOnDay(event, day, timeZone);
      if (slice) entries.push({ event, startsBefore: slice.startsBefore, endsAfter: slice.endsAfter });
    }
    byDay.set(day, entries);
  }
  return byDay;
}
