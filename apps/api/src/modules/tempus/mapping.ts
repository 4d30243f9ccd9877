/**
 * How a Tempus shift becomes a calendar event, and the hash that tells whether the event
 * already shows exactly that.
 */
import { createHash } from 'node:crypto';
import type { SyncedEventContent } from '../calendar/synced-events.js';
import type { TempusShift } from './types.js';

export type MappedEvent = SyncedEventContent;

export function mapShift(shift: TempusShift): MappedEvent {
  return {
    title: `Arbete: ${shift.shift_type}`,
    startAt: new Date(shift.start_time),
    endAt: new Date(shift.end_time),
    status: shift.status,
    location: shift.location ?? null,
    note: shift.note ?? null,
  };
}

/** A hash of exactly the fields the calendar shows, so equal hashes mean nothing to write. */
export function eventHash(e: MappedEvent): string {
  return createHash('sha1')
    .update(JSON.stringify([e.title, e.startAt.getTime(), e.endAt.getTime(), e.status, e.location, e.note]))
    .digest('base64url');
}
