/**
 * The care routine form: one row per weekday (a checkbox for "care that day", drop-off and
 * pick-up times, who does each), read into the API's routine body, with Swedish messages.
 */
import { putRoutineBody, type CareRoutine, type PutRoutineBody } from '@familyhub/shared';

export const WEEKDAYS = [
  { weekday: 1, name: 'Måndag', short: 'Mån' },
  { weekday: 2, name: 'Tisdag', short: 'Tis' },
  { weekday: 3, name: 'Onsdag', short: 'Ons' },
  { weekday: 4, name: 'Torsdag', short: 'Tor' },
  { weekday: 5, name: 'Fredag', short: 'Fre' },
  { weekday: 6, name: 'Lördag', short: 'Lör' },
  { weekday: 7, name: 'Söndag', short: 'Sön' },
] as const;

/**
 * A time as people type it, read the Swedish way: "8", "800", "0800", "8:00" and "8.00"
 * are all 08:00 (the form uses text fields: the browser's time control shows "04:30 PM" on
 * a phone set to English).
 */
export function readClock(text: string): string | null {
  const match = /^(\d{1,2})(?:[:.]?(\d{2}))?$/.exec(text.trim());
  if (!match) return null;
  const [hour, minute] = [Number(match[1]), Number(match[2] ?? 0)];
  return hour > 23 || minute > 59 ? null : `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** What a weekday row shows: the routine's values, or a weekday default for a child without one. */
export interface RoutineRow {
  weekday: number;
  care: boolean;
  dropOffAt: string;
  pickUpAt: string;
  dropOffBy: string;
  pickUpBy: string;
}

export function routineRows(routine: CareRoutine | null): RoutineRow[] {
  return WEEKDAYS.map(({ weekday }) => {
    const day = routine?.days.find((d) => d.weekday === weekday);
    if (day) return { weekday, care: true, dropOffAt: day.dropOffAt, pickUpAt: day.pickUpAt, dropOffBy: day.dropOffBy ?? '', pickUpBy: day.pickUpBy ?? '' };
    return { weekday, care: routine === null && weekday <= 5, dropOffAt: '08:00', pickUpAt: '16:30', dropOffBy: '', pickUpBy: '' };
  });
}

/** A routine form sent back with an error, as it was filled in. */
export interface PostedRoutine {
  childId: string;
  careName: string;
  rows: RoutineRow[];
}

export type RoutineFormResult = { ok: true; body: PutRoutineBody } | { ok: false; error: string; careName: string; rows: RoutineRow[] };

/** Reads the posted form; an error names the first weekday that is wrong. */
export function readRoutineForm(data: FormData): RoutineFormResult {
  const careName = String(data.get('careName') ?? '').trim();
  const rows: RoutineRow[] = WEEKDAYS.map(({ weekday }) => ({
    weekday,
    care: data.get(`care-${weekday}`) === 'on',
    dropOffAt: String(data.get(`dropOffAt-${weekday}`) ?? '').trim(),
    pickUpAt: String(data.get(`pickUpAt-${weekday}`) ?? '').trim(),
    dropOffBy: String(data.get(`dropOffBy-${weekday}`) ?? ''),
    pickUpBy: String(data.get(`pickUpBy-${weekday}`) ?? ''),
  }));
  const failed = (error: string): RoutineFormResult => ({ ok: false, error, careName, rows });
  if (!careName) return failed('Skriv var barnet går, till exempel Förskolan Solrosen.');
  if (careName.length > 100) return failed('Namnet på förskolan får vara högst 100 tecken.');
  for (const row of rows.filter((r) => r.care)) {
    const day = WEEKDAYS[row.weekday - 1]!.name.toLowerCase();
    const [dropOff, pickUp] = [readClock(row.dropOffAt), readClock(row.pickUpAt)];
    if (!dropOff || !pickUp) return failed(`Ange tider som 08:00 på ${day}.`);
    if (dropOff >= pickUp) return failed(`Hämtningen måste komma efter lämningen på ${day}.`);
    Object.assign(row, { dropOffAt: dropOff, pickUpAt: pickUp });
  }
  const parsed = putRoutineBody.safeParse({
    careName,
    days: rows
      .filter((r) => r.care)
      .map((r) => ({ weekday: r.weekday, dropOffAt: r.dropOffAt, pickUpAt: r.pickUpAt, dropOffBy: r.dropOffBy || null, pickUpBy: r.pickUpBy || null })),
  });
  return parsed.success ? { ok: true, body: parsed.data } : failed('Kontrollera veckodagarna.');
}
