/** The words an event is read out and shown with, shared by the week and month views. */
import type { CalendarEvent } from '@familyhub/shared';
import { tempusBadge } from '$lib/tempus/badge';
import { formatDateShort, formatDateTime, formatTime } from './format.js';
import { addDays, civilDateOf, TIME_ZONE } from './zoned-time.js';

export type CalendarItem = Pick<
  CalendarEvent,
  'id' | 'title' | 'startDate' | 'endDate' | 'allDay' | 'source' | 'ownerUserId' | 'ownerName' | 'ownerColor' | 'status' | 'editable'
>;

/** "21:30–07:15", or with a cut at midnight "21:30 →" and "→ 07:15". */
export function timeLabel(event: CalendarItem, startsBefore: boolean, endsAfter: boolean, timeZone = TIME_ZONE): string {
  if (event.allDay) return 'Heldag';
  const start = formatTime(event.startDate, timeZone);
  const end = formatTime(event.endDate, timeZone);
  if (startsBefore && endsAfter) return 'Hela dagen';
  if (startsBefore) return `→ ${end}`;
  if (endsAfter) return `${start} →`;
  return `${start}–${end}`;
}

/**
 * What a screen reader hears after the visible text of an event: the full dates, whose it
 * is and where it comes from. Added to the visible text rather than replacing it, so
 * voice control users can still name the event by what they see.
 */
export function accessibleDetails(event: CalendarItem, timeZone = TIME_ZONE): string {
  const badge = tempusBadge(event);
  const when = event.allDay ? allDayDates(event, timeZone) : `${formatDateTime(event.startDate, timeZone)} till ${formatDateTime(event.endDate, timeZone)}`;
  const whose = badge
    ? `arbetspass från Tempus för ${badge.owner}, ändras i Tempus`
    : event.source === 'ics'
      ? `från en kalender som ${event.ownerName} prenumererar på`
      : `lagt till av ${event.ownerName}`;
  return `, ${when}, ${whose}${event.status === 'cancelled' ? ', inställt' : ''}`;
}

/** "heldag fre 27 mars", or "heldag tis 24 mars till tor 26 mars" for several days. */
function allDayDates(event: CalendarItem, timeZone: string): string {
  const first = civilDateOf(new Date(event.startDate), timeZone);
  // An all-day event ends at the midnight after its last day.
  const last = addDays(civilDateOf(new Date(event.endDate), timeZone), -1);
  const from = formatDateShort(first, timeZone);
  return last > first ? `heldag ${from} till ${formatDateShort(last, timeZone)}` : `heldag ${from}`;
}
