/** Shifts in the simulator placed in the current Stockholm week, so the week view shows them. */
import type { SimShiftInput } from '@familyhub/tempus-sim';
import { addDays, startOfWeek, todayIn, zonedInstant, zoneOffsetMs, type CivilDate } from '$lib/calendar/zoned-time';

/** An RFC 3339 time with Stockholm's offset, as Tempus writes them. */
export function stockholmTime(day: CivilDate, time: string): string {
  const instant = zonedInstant(day, time);
  const offsetMinutes = zoneOffsetMs(instant) / 60_000;
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  const local = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export const thisMonday = () => startOfWeek(todayIn());

export function shiftThisWeek(dayOfWeek: number, type: string, start: string, end: string, extra: Partial<SimShiftInput> = {}): SimShiftInput {
  const day = addDays(thisMonday(), dayOfWeek);
  const endDay = end <= start ? addDays(day, 1) : day;
  return { shift_type: type, start_time: stockholmTime(day, start), end_time: stockholmTime(endDay, end), location: 'Akademiska sjukhuset, avd 30', ...extra };
}
