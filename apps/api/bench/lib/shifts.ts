/**
 * Deterministic shifts for the benchmarks, spread evenly over the default sync window
 * (30 days back, 60 ahead) so every one of them is fetched by an initial sync. Times are
 * RFC 3339 with the Europe/Stockholm offset, day, evening and overnight shifts mixed, a
 * few cancelled, a few with notes — what Tempus sends.
 */
import type { SimShiftInput } from '@familyhub/tempus-sim';

const DAY_MS = 86_400_000;
const SHIFT_KINDS = [
  { type: 'Dag', hours: 8.5 },
  { type: 'Kväll', hours: 7.5 },
  { type: 'Natt', hours: 9.75 },
  { type: 'Helg', hours: 12 },
  { type: 'Jour', hours: 15 },
] as const;
const LOCATIONS = ['Akademiska sjukhuset, avd 30', 'Akademiska sjukhuset, IVA', 'Södersjukhuset, BB Sös', 'Hemtjänst Gottsunda'];

const offsetFormat = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Stockholm', timeZoneName: 'longOffset' });

/** RFC 3339 in Stockholm local time, e.g. 2026-03-29T07:00:00+02:00. */
export function stockholmTime(ms: number): string {
  const name = offsetFormat.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT+01:00';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  const sign = match?.[1] === '-' ? -1 : 1;
  const offsetMin = match ? sign * (Number(match[2]) * 60 + Number(match[3])) : 0;
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  return `${local}${match ? `${match[1]}${match[2]}:${match[3]}` : 'Z'}`;
}

/**
 * `count` shifts of one person starting between 29 days ago and 58 days ahead of `now`
 * (inside the default window with a margin at both ends), ids unique per `owner`.
 */
export function benchShifts(owner: string, count: number, now: Date, seed = 0): SimShiftInput[] {
  const first = Math.floor((now.getTime() - 29 * DAY_MS) / 1_800_000) * 1_800_000;
  const span = 87 * DAY_MS;
  const step = count > 1 ? span / (count - 1) : 0;
  const shifts: SimShiftInput[] = [];
  for (let i = 0; i < count; i++) {
    const start = Math.floor((first + i * step) / 1_800_000) * 1_800_000;
    const kind = SHIFT_KINDS[(i + seed) % SHIFT_KINDS.length]!;
    const r = (i * 7919 + seed * 104_729) % 100;
    shifts.push({
      id: `shf_${owner}_${i.toString(36)}`,
      shift_type: kind.type,
      start_time: stockholmTime(start),
      end_time: stockholmTime(start + kind.hours * 3_600_000),
      status: r < 3 ? 'cancelled' : 'scheduled',
      location: LOCATIONS[(i + seed) % LOCATIONS.length]!,
      note: r >= 94 ? 'Byte med kollega' : null,
    });
  }
  return shifts;
}

/** Shifts that start no sooner than `fromDays` ahead (every second day), none in between. */
export function shiftsFrom(owner: string, fromDays: number, count: number, now: Date): SimShiftInput[] {
  return Array.from({ length: count }, (_, i) => {
    const start = Math.floor((now.getTime() + (fromDays + 2 * i) * DAY_MS) / 1_800_000) * 1_800_000;
    return { id: `shf_${owner}_${i}`, shift_type: 'Dag', start_time: stockholmTime(start), end_time: stockholmTime(start + 8 * 3_600_000) };
  });
}
