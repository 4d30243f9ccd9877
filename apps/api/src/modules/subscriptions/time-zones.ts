/**
 * Time zones of subscribed feeds that the feed itself does not define: a TZID naming an
 * IANA zone, a Windows zone (Outlook and Exchange write "W. Europe Standard Time"; mapped
 * with windows-iana, CLDR's table), or a vendor-prefixed IANA name, and floating times,
 * which are the family's own Europe/Stockholm. Wall times become instants with the zone
 * data of Intl (through @date-fns/tz), as RFC 5545 reads them: a time repeated when the
 * clocks go back is the first of the two, a time skipped when they go forward is read
 * with the offset before the change.
 */
import { tzOffset } from '@date-fns/tz';
import { isValidTimeZone, type WallTime } from '@familyhub/shared/wall-time';
import { findIana } from 'windows-iana';

export const FAMILY_TIME_ZONE = 'Europe/Stockholm';
const HOUR_MS = 3_600_000;

const known = new Map<string, string | null>();

/** An IANA zone name (Intl also takes abbreviations like "CET", which TZIDs do not mean). */
function isIanaZone(name: string): boolean {
  return (name.includes('/') || name === 'UTC') && isValidTimeZone(name);
}

/** The IANA zone a TZID parameter names, or null when it names none we know. */
export function ianaZoneOf(tzid: string): string | null {
  const cached = known.get(tzid);
  if (cached !== undefined) return cached;
  const name = tzid.trim().replace(/^"|"$/g, '');
  let zone: string | null = null;
  if (isIanaZone(name)) zone = name;
  else {
    const windows = findIana(name);
    if (windows.length > 0) zone = windows.includes(FAMILY_TIME_ZONE) ? FAMILY_TIME_ZONE : windows[0]!;
    else {
      // "/mozilla.org/20050126_1/Europe/Stockholm", "/citadel.org/20190914_1/Europe/Stockholm"
      const tail = /([A-Za-z_]+\/[A-Za-z_+-]+(?:\/[A-Za-z_+-]+)?)$/.exec(name)?.[1];
      if (tail && isIanaZone(tail)) zone = tail;
    }
  }
  known.set(tzid, zone);
  return zone;
}

/** The instant a wall-clock time names in an IANA zone. */
export function instantInZone(wall: WallTime, timeZone: string): Date {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  // The zone's offsets half a day either side: around any instant a zone has at most two.
  const before = tzOffset(timeZone, new Date(asUtc - 12 * HOUR_MS)) * 60_000;
  const after = tzOffset(timeZone, new Date(asUtc + 12 * HOUR_MS)) * 60_000;
  const candidates = [...new Set([before, after])]
    .map((offset) => asUtc - offset)
    .filter((instant) => instant + tzOffset(timeZone, new Date(instant)) * 60_000 === asUtc);
  // Both read back: the clocks went back and the time came twice. None: it was skipped.
  return new Date(candidates.length > 0 ? Math.min(...candidates) : asUtc - before);
}
