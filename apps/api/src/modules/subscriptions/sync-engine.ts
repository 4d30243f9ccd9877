/**
 * One subscription sync: fetch the feed (conditionally), parse it, then apply what
 * changed in one transaction through the calendar's synced-events door. A 304 stops after
 * the fetch: nothing is parsed, read or written; so do the very bytes applied before, on
 * the same day (many feed hosts send no validators). A feed that changed only outside
 * the window is parsed and compared but writes nothing. The feed is the whole truth for the window: an event of the
 * subscription in the window that the feed no longer holds is removed; what lies before
 * the window stays as history.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../../db/client.js';
import { versionOf, withEventIds, type ApplyResult, type SyncedChange } from '../calendar/synced-changes.js';
import type { StoredSyncedEvent, SyncedEvents } from '../calendar/synced-events.js';
import type { FeedFetcher, Validators } from './feed-fetcher.js';
import { parseFeed, type Occurrence, type ParsedFeed, type Window } from './ical-occurrences.js';
import * as syncLogRepo from './repository/sync-log.js';

const DAY_MS = 86_400_000;
export const WINDOW_PAST_DAYS = 30;
export const WINDOW_FUTURE_DAYS = 365;

/**
 * The window of a sync: from 30 days before the start of today (UTC) to 365 days after the
 * end of it, so it covers 30 days back and 365 ahead of any moment of the day, and the same
 * feed read twice in a day gives the same events.
 */
export function syncWindow(now: Date): Window {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: new Date(day - WINDOW_PAST_DAYS * DAY_MS), to: new Date(day + (WINDOW_FUTURE_DAYS + 1) * DAY_MS) };
}

/** What the last applied answer was: its digest and its window. */
function contentKeyOf(body: string, window: Window): string {
  return `${createHash('sha256').update(body).digest('base64url')}|${window.from.toISOString()}`;
}

export type FeedRead =
  | { kind: 'not_modified' }
  | { kind: 'parsed'; feed: ParsedFeed; validators: Validators; window: Window; contentKey: string };

export interface SubscriptionRef {
  id: string;
  familyId: string;
  userId: string;
}

export interface SyncEngineDeps {
  fetcher: FeedFetcher;
  calendar: Pick<SyncedEvents, 'read' | 'apply'>;
  /** The parser (tests count its calls). */
  parse?: typeof parseFeed;
}

export function createSyncEngine({ fetcher, calendar, parse = parseFeed }: SyncEngineDeps) {
  /**
   * Fetches and parses the feed; `last` (what the previous good sync stored) makes the
   * request conditional and lets the same bytes on the same day go unparsed.
   */
  async function read(url: URL, last: Validators & { contentKey: string | null }, now: Date): Promise<FeedRead> {
    const answer = await fetcher.fetch(url, last);
    if (answer.kind === 'not_modified') return answer;
    const window = syncWindow(now);
    const contentKey = contentKeyOf(answer.body, window);
    if (contentKey === last.contentKey) return { kind: 'not_modified' };
    return { kind: 'parsed', feed: parse(answer.body, window), validators: { etag: answer.etag, lastModified: answer.lastModified }, window, contentKey };
  }

  /** Writes what changed in the caller's transaction and records it in the audit trail. */
  async function apply(tx: Tx, subscription: SubscriptionRef, syncId: string, occurrences: Occurrence[], window: Window, now: Date): Promise<ApplyResult> {
    const source = { kind: 'ics' as const, id: subscription.id };
    const existing = new Map<string, StoredSyncedEvent>();
    // A feed is the whole truth for its window: what it names, and what is in the window.
    const scope = { externalIds: occurrences.map((o) => o.externalId), window };
    for (const e of await calendar.read(tx, source, scope)) existing.set(e.externalId, e);

    const upserts: Occurrence[] = [];
    const audit: syncLogRepo.AuditRow[] = [];
    const changes: SyncedChange[] = [];
    let created = 0;
    for (const occurrence of occurrences) {
      const current = existing.get(occurrence.externalId);
      if (current && sameContent(current, occurrence)) continue;
      upserts.push(occurrence);
      if (!current) created++;
      audit.push({
        externalId: occurrence.externalId,
        action: current ? 'updated' : 'created',
        before: current ? auditJson(current) : null,
        after: auditJson(occurrence),
        eventId: current?.id ?? null,
      });
      changes.push({
        eventId: current?.id ?? null,
        externalId: occurrence.externalId,
        action: current ? 'updated' : 'created',
        before: current ? versionOf(current) : null,
        after: versionOf(occurrence),
      });
    }

    const seen = new Set(occurrences.map((o) => o.externalId));
    const removals = [...existing.values()].filter((e) => !seen.has(e.externalId) && e.startAt < window.to && e.endAt > window.from);
    for (const e of removals) {
      audit.push({ externalId: e.externalId, action: 'deleted', before: auditJson(e), after: null, eventId: e.id });
      changes.push({ eventId: e.id, externalId: e.externalId, action: 'deleted', before: versionOf(e), after: null });
    }

    if (upserts.length === 0 && removals.length === 0) return { counts: { fetched: occurrences.length, created: 0, updated: 0, deleted: 0 }, changes: [] };
    const owner = { familyId: subscription.familyId, ownerUserId: subscription.userId };
    const eventIds = await calendar.apply(tx, source, owner, { upserts, deleteIds: removals.map((e) => e.id) }, now);
    await syncLogRepo.insertAudit(
      tx,
      syncId,
      subscription.id,
      audit.map((a) => ({ ...a, eventId: a.eventId ?? eventIds.get(a.externalId) ?? null })),
    );
    return {
      counts: { fetched: occurrences.length, created, updated: upserts.length - created, deleted: removals.length },
      changes: withEventIds(changes, eventIds),
    };
  }

  return { read, apply };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

function sameContent(a: StoredSyncedEvent, b: Occurrence): boolean {
  return (
    a.title === b.title &&
    a.startAt.getTime() === b.startAt.getTime() &&
    a.endAt.getTime() === b.endAt.getTime() &&
    a.allDay === b.allDay &&
    a.status === b.status &&
    a.location === b.location &&
    a.note === b.note
  );
}

function auditJson(e: Omit<Occurrence, 'externalId'>) {
  return { title: e.title, startAt: e.startAt.toISOString(), endAt: e.endAt.toISOString(), allDay: e.allDay ?? false, status: e.status, location: e.location, note: e.note };
}
