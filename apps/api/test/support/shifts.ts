/** Shift fixtures in Europe/Stockholm local time, as Tempus would send them. */
import type { SimShift, TempusSim } from '@familyhub/tempus-sim';

/** RFC 3339 with the Europe/Stockholm offset in force at that local time. */
export function stockholm(localDate: string, localTime: string): string {
  const guess = new Date(`${localDate}T${localTime}:00Z`);
  for (const offset of [1, 2]) {
    const instant = new Date(guess.getTime() - offset * 3_600_000);
    const shown = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(instant);
    if (shown === `${localDate} ${localTime}`) return `${localDate}T${localTime}:00+0${offset}:00`;
  }
  throw new Error(`${localDate} ${localTime} does not exist in Europe/Stockholm`);
}

export function dayOffset(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export function addDayShifts(sim: TempusSim, userId: string, days: number[]): SimShift[] {
  return days.map((d) =>
    sim.shifts.add(userId, {
      shift_type: 'Dag',
      start_time: stockholm(dayOffset(d), '07:00'),
      end_time: stockholm(dayOffset(d), '15:30'),
      location: 'Akademiska sjukhuset, avd 30',
    }),
  );
}
