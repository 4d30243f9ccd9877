/**
 * What a sync changed in the calendar, as the syncing module hands it on after its commit:
 * each created, updated or deleted event with its version before and after. The seam
 * between the syncing modules (Tempus, subscriptions) and whoever reacts to their changes
 * (notifications): a listener is called after the sync's transaction has committed, must
 * return at once, and must never throw into the sync.
 */
import type { SyncedEventContent, SyncedSource } from './synced-events.js';

export type SyncedEventVersion = Pick<SyncedEventContent, 'title' | 'startAt' | 'endAt' | 'status'> & { allDay: boolean };

export interface SyncedChange {
  /** The calendar event's id (a deleted event's former id). */
  eventId: string | null;
  /** The source's own id of the event (a Tempus shift id, a feed occurrence's identity). */
  externalId: string;
  action: 'created' | 'updated' | 'deleted';
  before: SyncedEventVersion | null;
  after: SyncedEventVersion | null;
}

export interface SyncedChanges {
  familyId: string;
  /** The member whose calendar the source feeds (the Tempus account's or the subscription's owner). */
  ownerUserId: string;
  source: SyncedSource;
  changes: SyncedChange[];
}

export type AfterSync = (applied: SyncedChanges) => void;

/** How many of the source's events a sync read (`fetched`) and what its apply did with them. */
export interface ApplyCounts {
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
}

/** What an apply wrote: its counts, and each change with its before and after (handed on after the commit). */
export interface ApplyResult {
  counts: ApplyCounts;
  changes: SyncedChange[];
}

/** The version of an event a change records. */
export function versionOf(e: SyncedEventContent): SyncedEventVersion {
  return { title: e.title, startAt: e.startAt, endAt: e.endAt, status: e.status, allDay: e.allDay ?? false };
}

/** The changes with the ids of the events the apply created filled in. */
export function withEventIds(changes: SyncedChange[], eventIds: ReadonlyMap<string, string>): SyncedChange[] {
  return changes.map((c) => (c.eventId ? c : { ...c, eventId: eventIds.get(c.externalId) ?? null }));
}

/** Calls the listener, if any, without letting it fail the sync. */
export function handOn(listener: AfterSync | undefined, applied: SyncedChanges, onError: (err: unknown) => void) {
  if (!listener || applied.changes.length === 0) return;
  try {
    listener(applied);
  } catch (err) {
    onError(err);
  }
}
