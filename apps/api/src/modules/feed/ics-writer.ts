/**
 * The family's events as an RFC 5545 calendar, written with ical.js (escaping, folding,
 * CRLF): one VTIMEZONE for Europe/Stockholm (from @touch4it/ical-timezones) that every
 * timed event names, whole days as DATE values, a UID that is the event's id, and the
 * owner's first name before the title of shifts and subscribed events, so a phone shows
 * whose they are.
 */
import { getVtimezoneComponent } from '@touch4it/ical-timezones';
import { wallTimeAt } from '@familyhub/shared/wall-time';
import ICAL from 'ical.js';
import type { EventRow } from '../calendar/repository.js';

export const FEED_TIME_ZONE = 'Europe/Stockholm';
const UID_DOMAIN = 'familjehubben.se';

type ICalComponent = InstanceType<typeof ICAL.Component>;

const zoneComponent = new ICAL.Component(ICAL.parse(`BEGIN:VCALENDAR\r\n${getVtimezoneComponent(FEED_TIME_ZONE)}\r\nEND:VCALENDAR`) as unknown[]).getFirstSubcomponent(
  'vtimezone',
)!;

function wall(instant: string) {
  return wallTimeAt(new Date(instant), FEED_TIME_ZONE);
}

function localTime(instant: string) {
  const w = wall(instant);
  return ICAL.Time.fromData({ year: w.year, month: w.month, day: w.day, hour: w.hour, minute: w.minute, second: w.second, isDate: false });
}

function localDate(instant: string) {
  const w = wall(instant);
  return ICAL.Time.fromData({ year: w.year, month: w.month, day: w.day, isDate: true });
}

function addTime(vevent: ICalComponent, name: 'dtstart' | 'dtend', instant: string, allDay: boolean) {
  const property = vevent.addPropertyWithValue(name, allDay ? localDate(instant) : localTime(instant));
  if (!allDay) property.setParameter('tzid', FEED_TIME_ZONE);
}

export function summaryOf(event: Pick<EventRow, 'source' | 'title' | 'ownerName'>): string {
  if (event.source === 'manual') return event.title;
  const firstName = event.ownerName.trim().split(/\s+/)[0] ?? event.ownerName;
  return `${firstName}: ${event.title}`;
}

export function writeCalendar(calendarName: string, events: EventRow[]): string {
  const calendar = new ICAL.Component('vcalendar');
  calendar.addPropertyWithValue('version', '2.0');
  calendar.addPropertyWithValue('prodid', '-//Familjehubben//Familjens kalender//SV');
  calendar.addPropertyWithValue('calscale', 'GREGORIAN');
  calendar.addPropertyWithValue('method', 'PUBLISH');
  calendar.addPropertyWithValue('x-wr-calname', calendarName);
  calendar.addPropertyWithValue('x-wr-timezone', FEED_TIME_ZONE);
  // How often a phone should come back (calendar apps that read it); ETags keep that cheap.
  calendar.addPropertyWithValue('x-published-ttl', 'PT1H');
  calendar.addSubcomponent(zoneComponent);
  for (const event of events) {
    const vevent = new ICAL.Component('vevent');
    vevent.addPropertyWithValue('uid', `${event.id}@${UID_DOMAIN}`);
    vevent.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(event.updatedAt), true));
    addTime(vevent, 'dtstart', event.startAt, event.allDay);
    addTime(vevent, 'dtend', event.endAt, event.allDay);
    vevent.addPropertyWithValue('summary', summaryOf(event));
    if (event.location) vevent.addPropertyWithValue('location', event.location);
    if (event.note) vevent.addPropertyWithValue('description', event.note);
    vevent.addPropertyWithValue('status', event.status === 'cancelled' ? 'CANCELLED' : 'CONFIRMED');
    vevent.addPropertyWithValue('last-modified', ICAL.Time.fromJSDate(new Date(event.updatedAt), true));
    calendar.addSubcomponent(vevent);
  }
  return calendar.toString();
}
