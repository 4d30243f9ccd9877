/**
 * An iCalendar feed as calendar events: parsed by ical.js, whose recurrence expansion
 * (RRULE, RDATE, EXDATE, instances overridden by RECURRENCE-ID) and VTIMEZONE handling are
 * used as they are. Every occurrence that overlaps the window is one event, identified by
 * its UID and, for a recurring series, its recurrence instant, so the same occurrence
 * keeps its identity from one fetch to the next even when it is moved.
 *
 * What ical.js cannot place (a TZID without a VTIMEZONE in the file, floating times) is
 * placed by time-zones.ts. Everything read is bounded: text lengths, occurrences per
 * series, iterations per series and occurrences per feed.
 */
import { createHash } from 'node:crypto';
import ICAL from 'ical.js';
import type { SyncedEventWrite } from '../calendar/synced-events.js';
import { FeedError } from './feed-errors.js';
import { FAMILY_TIME_ZONE, ianaZoneOf, instantInZone } from './time-zones.js';

export type Occurrence = SyncedEventWrite & { allDay: boolean };

export interface ParsedFeed {
  /** X-WR-CALNAME, the name calendar apps show. */
  name: string | null;
  occurrences: Occurrence[];
  /** Recurring series cut short by the iteration bound (a rule far too dense to expand). */
  truncatedSeries: number;
  /** Events that could not be read (no start, a broken rule) and were left out. */
  skippedEvents: number;
}

export interface Window {
  from: Date;
  to: Date;
}

const MAX_TITLE = 200;
const MAX_LOCATION = 200;
const MAX_NOTE = 2000;
/** Steps through one series' rule, from its first instance, before giving up on it. */
const MAX_ITERATIONS_PER_SERIES = 50_000;
export const MAX_OCCURRENCES = 50_000;
const UNTITLED = '(utan titel)';

type ICalTime = InstanceType<typeof ICAL.Time>;
type ICalComponent = InstanceType<typeof ICAL.Component>;
type ICalEvent = InstanceType<typeof ICAL.Event>;

/** Parses a feed and expands it into the occurrences that overlap the window. */
export function parseFeed(text: string, window: Window): ParsedFeed {
  if (!/^\uFEFF?\s*BEGIN:VCALENDAR/i.test(text.slice(0, 256))) {
    throw new FeedError('feed_not_icalendar', 'The answer is not an iCalendar file.');
  }
  let root: ICalComponent;
  try {
    root = new ICAL.Component(ICAL.parse(text) as unknown[]);
  } catch {
    throw new FeedError('feed_not_icalendar', 'The iCalendar file could not be read.');
  }
  if (root.name !== 'vcalendar') throw new FeedError('feed_not_icalendar', 'The iCalendar file holds no calendar.');

  const masters = new Map<string, ICalComponent>();
  const overrides = new Map<string, ICalComponent[]>();
  const singles: ICalComponent[] = [];
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = uidOf(vevent);
    if (vevent.hasProperty('recurrence-id')) overrides.set(uid, [...(overrides.get(uid) ?? []), vevent]);
    else if (vevent.hasProperty('rrule') || vevent.hasProperty('rdate')) masters.set(uid, vevent);
    else singles.push(vevent);
  }

  const out = new OccurrenceSet();
  const place = new Placer();
  let truncatedSeries = 0;
  let skippedEvents = 0;
  /** One broken event is left out rather than keeping the whole feed from the calendar. */
  const readable = (read: () => void) => {
    try {
      read();
    } catch (err) {
      if (err instanceof FeedError) throw err;
      skippedEvents++;
    }
  };
  for (const vevent of singles) {
    readable(() => {
      // A non-recurring event is its UID; events that share one (some exporters do) are told apart by start.
      const event = new ICAL.Event(vevent, { exceptions: [] });
      out.add(uidOf(vevent), occurrenceOf(place, event, event.startDate, event.endDate), window);
    });
  }
  for (const [uid, vevent] of masters) {
    const related = overrides.get(uid) ?? [];
    overrides.delete(uid);
    readable(() => {
      if (!expandSeries(place, uid, new ICAL.Event(vevent, { exceptions: related }), window, out)) truncatedSeries++;
    });
  }
  // Overridden instances whose series is not in the feed still are events of their own.
  for (const [uid, list] of overrides) {
    for (const vevent of list) {
      readable(() => {
        const event = new ICAL.Event(vevent, { exceptions: [] });
        out.add(`${uid}#${recurrenceKey(place, event.recurrenceId)}`, occurrenceOf(place, event, event.startDate, event.endDate), window, true);
      });
    }
  }
  return {
    name: textOf(root.getFirstPropertyValue('x-wr-calname'), MAX_TITLE),
    occurrences: out.list(),
    truncatedSeries,
    skippedEvents,
  };
}

/** Adds the series' occurrences in the window; false when the rule was too dense to expand to the end. */
function expandSeries(place: Placer, uid: string, event: ICalEvent, window: Window, out: OccurrenceSet): boolean {
  const placed = new Set<ICalEvent>();
  const startTzid = tzidOf(event.component, 'dtstart');
  // Without overridden instances every occurrence is the series itself, lasting its duration:
  // ical.js's per-occurrence lookup of exceptions (a zone conversion each) is skipped then.
  const plain = Object.keys(event.exceptions).length === 0 && event.rangeExceptions.length === 0;
  const duration = event.duration;
  const add = (instant: ICalTime) => {
    if (plain) {
      const end = instant.clone();
      end.addDuration(duration);
      out.add(`${uid}#${recurrenceKey(place, instant)}`, occurrenceOf(place, event, instant, end), window, true);
      return;
    }
    const details = event.getOccurrenceDetails(instant);
    placed.add(details.item);
    out.add(`${uid}#${recurrenceKey(place, details.recurrenceId)}`, occurrenceOf(place, details.item, details.startDate, details.endDate), window, true);
  };
  // DTSTART is always the first instance (RFC 5545 3.8.5.2), but ical.js's expansion of a
  // series with RDATE and no RRULE starts at the first RDATE instead.
  const start = event.startDate;
  if (!event.component.hasProperty('rrule') && !excluded(event.component, start)) add(start);
  const iterator = event.iterator();
  let steps = 0;
  for (let next = iterator.next(); next; next = iterator.next()) {
    if (++steps > MAX_ITERATIONS_PER_SERIES) return false;
    add(next);
    // Instances come in order of their recurrence instant; past the window none can overlap it
    // (an instance moved into the window from beyond it is added below).
    if (place.instantOf(next, startTzid) >= window.to) break;
  }
  for (const exception of Object.values(event.exceptions)) {
    if (placed.has(exception)) continue;
    out.add(`${uid}#${recurrenceKey(place, exception.recurrenceId)}`, occurrenceOf(place, exception, exception.startDate, exception.endDate), window, true);
  }
  return true;
}

function excluded(component: ICalComponent, instant: ICalTime): boolean {
  return component
    .getAllProperties('exdate')
    .flatMap((p) => p.getValues() as ICalTime[])
    .some((exdate) => exdate.compare(instant) === 0);
}

/** The calendar event for one occurrence of `item` (the series, or the instance that overrides it). */
function occurrenceOf(place: Placer, item: ICalEvent, start: ICalTime, end: ICalTime): Omit<Occurrence, 'externalId'> {
  const component = item.component;
  const allDay = start.isDate;
  const startAt = place.instantOf(start, tzidOf(component, 'dtstart'));
  let endAt = place.instantOf(end, tzidOf(component, component.hasProperty('dtend') ? 'dtend' : 'dtstart'));
  if (endAt < startAt) endAt = startAt;
  const status = String(component.getFirstPropertyValue('status') ?? '').toUpperCase();
  return {
    title: textOf(component.getFirstPropertyValue('summary'), MAX_TITLE) ?? UNTITLED,
    startAt,
    endAt,
    allDay,
    status: status === 'CANCELLED' ? 'cancelled' : 'scheduled',
    location: textOf(component.getFirstPropertyValue('location'), MAX_LOCATION),
    note: textOf(component.getFirstPropertyValue('description'), MAX_NOTE),
  };
}

function tzidOf(component: ICalComponent, property: string): string | undefined {
  const tzid = component.getFirstProperty(property)?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : undefined;
}

/**
 * Places times on the time line: a whole day starts at midnight in the family's zone; UTC
 * and times in a zone the file defines are ical.js's; a TZID the file does not define, and
 * a floating time, are placed by time-zones.ts. A feed repeats the same few wall times
 * thousands of times, so each zone's offset at a wall-clock minute is worked out once.
 */
class Placer {
  private readonly offsets = new Map<string, number>();

  instantOf(time: ICalTime, tzid: string | undefined): Date {
    const wallMs = Date.UTC(time.year, time.month - 1, time.day, time.isDate ? 0 : time.hour, time.isDate ? 0 : time.minute, time.isDate ? 0 : time.second);
    const zone = time.zone;
    if (!time.isDate && zone === ICAL.Timezone.utcTimezone) return new Date(wallMs);
    const defined = !time.isDate && zone !== undefined && zone !== ICAL.Timezone.localTimezone;
    const zoneName = time.isDate ? FAMILY_TIME_ZONE : defined ? `vtimezone:${zone.tzid}` : ((tzid && ianaZoneOf(tzid)) ?? FAMILY_TIME_ZONE);
    const key = `${zoneName}|${wallMs - time.second * 1000}`;
    let offset = this.offsets.get(key);
    if (offset === undefined) {
      const minute = time.clone();
      minute.second = 0;
      const instant = defined
        ? minute.toUnixTime() * 1000
        : instantInZone({ year: time.year, month: time.month, day: time.day, hour: minute.hour, minute: minute.minute, second: 0 }, zoneName).getTime();
      offset = wallMs - time.second * 1000 - instant;
      this.offsets.set(key, offset);
    }
    return new Date(wallMs - offset);
  }
}

/** A recurrence instant as text that does not depend on how the file wrote its zone. */
function recurrenceKey(place: Placer, time: ICalTime | null): string {
  if (!time) return 'none';
  if (time.isDate) return time.toICALString();
  return place.instantOf(time, undefined).toISOString().replace(/[-:]|\.\d{3}/g, '');
}

function uidOf(vevent: ICalComponent): string {
  const uid = vevent.getFirstPropertyValue('uid');
  if (typeof uid === 'string' && uid.trim()) return uid.trim().slice(0, 500);
  // A feed without UIDs (against RFC 5545) still gets stable identities from what it says.
  const digest = createHash('sha1').update(`${vevent.getFirstPropertyValue('dtstart')}|${vevent.getFirstPropertyValue('summary')}`);
  return `no-uid:${digest.digest('base64url')}`;
}

function textOf(value: unknown, max: number): string | null {
  if (typeof value !== 'string') return null;
  const text = value.replace(/\u0000/g, '').trim();
  return text ? text.slice(0, max) : null;
}

/** The occurrences of a feed by identity, kept only when they overlap the window, bounded in number. */
class OccurrenceSet {
  private readonly byId = new Map<string, Occurrence>();
  private readonly startKeyed = new Set<string>();

  add(id: string, occurrence: Omit<Occurrence, 'externalId'>, window: Window, recurring = false) {
    if (!(occurrence.startAt < window.to && (occurrence.endAt > window.from || occurrence.startAt >= window.from))) return;
    let externalId = id;
    if (!recurring) {
      const earlier = this.byId.get(id);
      if (earlier || this.startKeyed.has(id)) {
        // Two events with one UID: each is then known by UID and start.
        this.startKeyed.add(id);
        if (earlier) {
          this.byId.delete(id);
          this.put(`${id}@${earlier.startAt.toISOString()}`, earlier);
        }
        externalId = `${id}@${occurrence.startAt.toISOString()}`;
      }
    }
    this.put(externalId, occurrence);
  }

  private put(id: string, occurrence: Omit<Occurrence, 'externalId'>) {
    if (!this.byId.has(id) && this.byId.size >= MAX_OCCURRENCES) {
      throw new FeedError('feed_too_large', `The feed has more than ${MAX_OCCURRENCES.toLocaleString('en-US')} events in the next year.`);
    }
    this.byId.set(id, { ...occurrence, externalId: id });
  }

  list(): Occurrence[] {
    return [...this.byId.values()];
  }
}
