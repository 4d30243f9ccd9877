// Europe/Stockholm's UTC offset, worked out from the EU summer-time rule by this package's
// own code: not Intl's time zones and not the product's wall-time module. The simulator
// stands in for Tempus in every test; if it shared the product's DST code, a DST bug there
// would show up on both sides and no test could see it.
//
// The rule (Sweden's since 1996): CET, +01:00, except CEST, +02:00, from 01:00 UTC on the
// last Sunday of March until 01:00 UTC on the last Sunday of October.

export const STOCKHOLM = 'Europe/Stockholm';

/** 01:00 UTC on the last Sunday of `month` (1–12) of `year`, in epoch milliseconds. */
function lastSundayAtOneUtc(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one.
  const lastDay = new Date(Date.UTC(year, month, 0));
  const sunday = lastDay.getUTCDate() - lastDay.getUTCDay();
  return Date.UTC(year, month - 1, sunday, 1);
}

/** Per year, the instants summer time begins and ends; seeding asks for the same few years. */
const summerTimes = new Map<number, readonly [startMs: number, endMs: number]>();

/** Stockholm's offset from UTC in minutes at an instant: 60 (CET) or 120 (CEST). */
export function stockholmOffsetMinutes(ms: number): number {
  // Both changes are months away from New Year, so the UTC year is Stockholm's year.
  const year = new Date(ms).getUTCFullYear();
  let summer = summerTimes.get(year);
  if (!summer) {
    summer = [lastSundayAtOneUtc(year, 3), lastSundayAtOneUtc(year, 10)];
    summerTimes.set(year, summer);
  }
  return ms >= summer[0] && ms < summer[1] ? 120 : 60;
}
