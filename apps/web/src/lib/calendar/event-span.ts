/**
 * Where an event meets the days of the calendar: the part of it that falls between one
 * local midnight and the next, which is how overnight shifts end up on two days.
 */
import { dayBounds, TIME_ZONE, type CivilDate } from './zoned-time.js';

/** The fields of a calendar event that placing it needs; a full `CalendarEvent` fits. */
export interface Timed {
  id: string;
  startDate: string;
  endDate: string;
  allDay: boolean;
}

export interface DaySlice {
  day: CivilDate;
  start: Date;
  end: Date;
  dayStart: Date;
  dayEnd: Date;
  startsBefore: boolean;
  endsAfter: boolean;
}

export function sliceOnDay(event: Timed, day: CivilDate, timeZone = TIME_ZONE): DaySlice | null {
  const start = new Date(event.startDate);
  const end = new Date(event.endDate);
  const { start: dayStart, end: dayEnd } = dayBounds(day, timeZone);
  // A zero-length event still belongs to the day it happens on.
  const meets = end > start ? start < dayEnd && end > dayStart : start >= dayStart && start < dayEnd;
  if (!meets) return null;
  return {
    day,
    start: start > dayStart ? start : dayStart,
    end: end < dayEnd ? end : dayEnd,
    dayStart,
    dayEnd,
    startsBefore: start < dayStart,
    endsAfter: end > dayEnd,
  };
}

export function byStart<E extends Timed>(a: E, b: E): number {
  if (a.allDay !== b.allDay) return a.allDay ? -1 : 1;
  return Date.parse(a.startDate) - Date.parse(b.startDate) || Date.parse(b.endDate) - Date.parse(a.endDate);
}
