/**
 * The family's events as an RFC 5545 calendar, written with ical.js (escaping, folding,
 * CRLF): one VTIMEZONE for Europe/Stockholm (from @touch4it/ical-timezones) that every
 * timed event names, whole days as DATE values, a UID that is the event's id, and the
 * owner's short name before the title of shifts and subscribed events, so a phone shows
 * whose they are ("Karin P" and "Karin A" where two owners share a first name).
 */
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { tzOffset } from '@date-fns/tz';
import ICAL from 'ical.js';
import { shortNames } from '@familyhub/shared';
import type { EventRow } from '../calendar/repository.js';

export const FEED_TIME_ZONE = 'Europe/Stockholm';
const UID_DOMAIN = 'familjehubben.se';

const zoneJcal = ((ICAL.parse(`BEGIN:VCALENDAR\r\n${getVtimezoneComponent(FEED_TIME_ZONE)}\r\nEND:VCALENDAR`) as unknown[])[2] as unknown[][])[0]!;

const DAY_MS = 86_400_000;
/** Stockholm's offset for each UTC day on which it does not change: a year of events asks Intl a few hundred times, not thousands. */
const steadyOffsets = new Map<number, number | null>();

function offsetAt(ms: number): number {
  const day = Math.floor(ms / DAY_MS);
  let steady = steadyOffsets.get(day);
  if (steady === undefined) {
    const first = tzOffset(FEED_TIME_ZONE, new Date(day * DAY_MS));
    steady = first === tzOffset(FEED_TIME_ZONE, new Date((day + 1) * DAY_MS - 1)) ? first : null;
    if (steadyOffsets.size > 10_000) steadyOffsets.clear();
    steadyOffsets.set(day, steady);
  }
  return (steady ?? tzOffset(FEED_TIME_ZONE, new Date(ms))) * 60_000;
}

/** An instant as Stockholm's wall clock, the jCal way (`2026-03-28T21:45:00`), or its date for a whole day. */
function local(instant: string, allDay: boolean): string {
  const ms = Date.parse(instant);
  const wall = new Date(ms + offsetAt(ms)).toISOString();
  return allDay ? wall.slice(0, 10) : wall.slice(0, 19);
}

/** An instant in UTC, the jCal way (`2026-03-28T20:45:00Z`). */
const utc = (instant: string) => `${new Date(instant).toISOString().slice(0, 19)}Z`;

function summaryOf(event: EventRow, owners: ReadonlyMap<string, string>): string {
  if (event.source === 'manual') return event.title;
  return `${owners.get(event.ownerUserId) ?? event.ownerName}: ${event.title}`;
}

function time(name: 'dtstart' | 'dtend', instant: string, allDay: boolean) {
  return allDay ? [name, {}, 'date', local(instant, true)] : [name, { tzid: FEED_TIME_ZONE }, 'date-time', local(instant, false)];
}

/**
 * The calendar as jCal (RFC 7265), turned into iCalendar text by ical.js in one pass:
 * building ical.js components property by property cost several times more on a family's
 * year of events.
 */
export function writeCalendar(calendarName: string, events: EventRow[]): string {
  const owners = shortNames([...new Map(events.map((e) => [e.ownerUserId, { id: e.ownerUserId, name: e.ownerName }])).values()]);
  const vevents = events.map((event) => [
    'vevent',
    [
      ['uid', {}, 'text', `${event.id}@${UID_DOMAIN}`],
      ['dtstamp', {}, 'date-time', utc(event.updatedAt)],
      time('dtstart', event.startAt, event.allDay),
      time('dtend', event.endAt, event.allDay),
      ['summary', {}, 'text', summaryOf(event, owners)],
      ...(event.location ? [['location', {}, 'text', event.location]] : []),
      ...(event.note ? [['description', {}, 'text', event.note]] : []),
      ['status', {}, 'text', event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED'],
      ['last-modified', {}, 'date-time', utc(event.updatedAt)],
    ],
    [],
  ]);
  const calendar = [
    'vcalendar',
    [
      ['version', {}, 'text', '2.0'],
      ['prodid', {}, 'text', '-//Familjehubben//Familjens kalender//SV'],
      ['calscale', {}, 'text', 'GREGORIAN'],
      ['method', {}, 'text', 'PUBLISH'],
      ['x-wr-calname', {}, 'unknown', calendarName],
      ['x-wr-timezone', {}, 'unknown', FEED_TIME_ZONE],
      // How often a phone should come back (calendar apps that read it); ETags keep that cheap.
      ['x-published-ttl', {}, 'unknown', 'PT1H'],
    ],
    [zoneJcal, ...vevents],
  ];
  return ICAL.stringify(calendar as Parameters<typeof ICAL.stringify>[0]);
}
