/**
 * Fetches an account's shifts from Tempus and applies them to the calendar.
 *
 * Fetching pages to the end happens before anything is written; applying is one
 * transaction, so a failure or a crash at any point leaves the calendar as it was.
 * Events are upserted on the unique (account, shift id) index, so duplicates cannot arise,
 * and only what changed is written. Memory is bounded: a listing holds at most
 * MAX_LISTING_ITEMS items, and the apply reads only the events it can change (those the
 * listing names, and for a full listing those in its window).
 */
import type { Tx } from '../../db/client.js';
import { versionOf, withEventIds, type ApplyResult, type SyncedChange } from '../calendar/synced-changes.js';
import type { StoredSyncedEvent, SyncedEvents, SyncedEventWrite } from '../calendar/synced-events.js';
import type { CallOptions, TempusApi } from './client.js';
import { eventHash, mapShift, type MappedEvent } from './mapping.js';
import * as cacheRepo from './repository/shift-cache.js';
import * as syncLogRepo from './repository/sync-log.js';
import type { SyncWindow } from './sync-policy.js';
import { TempusError, type SyncType, type TempusItem, type TempusShift } from './types.js';
import { MAX_PAGE_SIZE } from './wire-schemas.js';

const MAX_LISTING_RESTARTS = 3;
/** 40 full pages: far beyond any real schedule, and a bound on what one sync holds in memory. */
export const MAX_LISTING_ITEMS = 20_000;
/** A full listing that comes back empty is believed only when it still is this long after the first. */
export const EMPTY_LISTING_CONFIRM_MS = 3_600_000;

export interface FetchResult {
  items: TempusItem[];
  serverTime: Date;
}

/** What one sync sent to Tempus, counted by whoever sends (pages here, refreshes in tokens.ts). */
export interface SyncUsage {
  requests: number;
}

export interface SyncAccountRef {
  id: string;
  familyId: string;
  userId: string;
  syncCursor: Date | null;
  /** When a full listing last came back empty while the calendar had future shifts, if it did. */
  emptyListingAt: Date | null;
}

/** Hands out an access token; `refresh` is called once when Tempus answers 401. */
export interface AccessTokens {
  current(): Promise<string>;
  refresh(rejected: string): Promise<string>;
}

export function createSyncEngine({ api, calendar }: { api: TempusApi; calendar: Pick<SyncedEvents, 'read' | 'apply'> }) {
  async function fetchAll(account: SyncAccountRef, type: SyncType, window: SyncWindow, tokens: AccessTokens, usage: SyncUsage, call: CallOptions): Promise<FetchResult> {
    // An incremental listing asks for every change, wherever the shift now lies: with the
    // window applied, a shift moved out of it would never be seen again and its old copy
    // would stay in the calendar.
    const since = type === 'incremental' ? account.syncCursor : null;
    for (let attempt = 0; ; attempt++) {
      const items: TempusItem[] = [];
      let cursor: string | undefined;
      let serverTime: Date | undefined;
      try {
        for (;;) {
          const query = {
            ...(since ? { updatedSince: since } : { from: window.from, to: window.to }),
            limit: MAX_PAGE_SIZE,
            ...(cursor && { cursor }),
          };
          let token = await tokens.current();
          let result;
          try {
            usage.requests++;
            result = await api.schedulesPage(token, query, call);
          } catch (err) {
            if (!(err instanceof TempusError && err.code === 'unauthorized')) throw err;
            token = await tokens.refresh(token);
            usage.requests++;
            result = await api.schedulesPage(token, query, call);
          }
          // The first page's server_time is the next updated_since: Tempus's clock, not ours.
          serverTime ??= result.serverTime;
          items.push(...result.items);
          if (items.length > MAX_LISTING_ITEMS) {
            throw new TempusError('invalid_response', `Tempus listed more than ${MAX_LISTING_ITEMS} shifts for one account`);
          }
          if (!result.nextCursor) return { items, serverTime };
          cursor = result.nextCursor;
        }
      } catch (err) {
        if (err instanceof TempusError && err.code === 'invalid_cursor' && attempt < MAX_LISTING_RESTARTS) continue;
        if (err instanceof TempusError && err.code === 'unauthorized') {
          throw new TempusError('unauthorized', 'Tempus refused a freshly refreshed access token', { status: 401 });
        }
        throw err;
      }
    }
  }

  /** Applies fetched items in the caller's transaction and returns what changed. */
  async function apply(
    tx: Tx,
    account: SyncAccountRef,
    syncId: string,
    type: SyncType,
    fetched: TempusItem[],
    window: SyncWindow,
    now: Date,
  ): Promise<ApplyResult> {
    const latest = latestVersions(fetched);
    const shifts: TempusShift[] = [];
    const tombstoneIds: string[] = [];
    for (const item of latest.values()) {
      if (item.deleted === true) tombstoneIds.push(item.id);
      else shifts.push(item);
    }

    // A quiet incremental sync reads and writes nothing.
    if (latest.size === 0 && type === 'incremental') return { counts: { fetched: 0, created: 0, updated: 0, deleted: 0 }, changes: [] };

    const full = type !== 'incremental';
    const source = { kind: 'tempus' as const, id: account.id };
    const listedIds = [...latest.keys()];
    const existing = new Map<string, StoredSyncedEvent>();
    for (const e of await calendar.read(tx, source, { externalIds: listedIds, ...(full && { window }) })) existing.set(e.externalId, e);
    if (full && shifts.length === 0) guardEmptyListing(account, existing.values(), now);
    const cached = new Map((await cacheRepo.accountCache(tx, account.id, listedIds)).map((c) => [c.tempusId, c.payloadHash]));

    const upserts: SyncedEventWrite[] = [];
    const cacheWrites: { tempusId: string; tempusUpdatedAt: Date; payloadHash: string }[] = [];
    const audit: syncLogRepo.AuditRow[] = [];
    const changes: SyncedChange[] = [];
    let created = 0;
    let updated = 0;

    for (const shift of shifts) {
      const mapped = mapShift(shift);
      const hash = eventHash(mapped);
      const current = existing.get(shift.id);
      if (cached.get(shift.id) !== hash) {
        cacheWrites.push({ tempusId: shift.id, tempusUpdatedAt: new Date(shift.updated_at), payloadHash: hash });
      }
      if (current && eventHash(current) === hash) continue;
      upserts.push({ externalId: shift.id, ...mapped });
      if (!current) {
        created++;
        audit.push({ tempusId: shift.id, action: 'created', before: null, after: auditJson(mapped), eventId: null });
        changes.push({ eventId: null, externalId: shift.id, action: 'created', before: null, after: versionOf(mapped) });
      } else {
        updated++;
        // Tempus's version did not change since we last wrote it, so the row was edited here.
        const action = cached.get(shift.id) === hash ? 'restored' : 'updated';
        audit.push({ tempusId: shift.id, action, before: auditJson(current), after: auditJson(mapped), eventId: current.id });
        changes.push({ eventId: current.id, externalId: shift.id, action: 'updated', before: versionOf(current), after: versionOf(mapped) });
      }
    }

    const removals: StoredSyncedEvent[] = tombstoneIds.flatMap((id) => existing.get(id) ?? []);
    if (full) {
      // A full listing is the whole truth for its window: what it lacks no longer exists.
      const seen = new Set(shifts.map((s) => s.id));
      const tombstoned = new Set(tombstoneIds);
      for (const e of existing.values()) {
        const inWindow = e.startAt < window.to && e.endAt > window.from;
        if (inWindow && !seen.has(e.externalId) && !tombstoned.has(e.externalId)) removals.push(e);
      }
    }
    for (const e of removals) {
      audit.push({ tempusId: e.externalId, action: 'deleted', before: auditJson(e), after: null, eventId: e.id });
      changes.push({ eventId: e.id, externalId: e.externalId, action: 'deleted', before: versionOf(e), after: null });
    }

    const owner = { familyId: account.familyId, ownerUserId: account.userId };
    const eventIds = await calendar.apply(tx, source, owner, { upserts, deleteIds: removals.map((e) => e.id) }, now);
    await cacheRepo.upsertCache(tx, account.id, cacheWrites);
    await cacheRepo.deleteCache(tx, account.id, [...tombstoneIds, ...removals.map((e) => e.externalId)]);
    await syncLogRepo.insertAudit(
      tx,
      syncId,
      account.id,
      audit.map((a) => ({ ...a, eventId: a.eventId ?? eventIds.get(a.tempusId) ?? null })),
    );
    return { counts: { fetched: fetched.length, created, updated, deleted: removals.length }, changes: withEventIds(changes, eventIds) };
  }

  return { fetchAll, apply };
}

export type SyncEngine = ReturnType<typeof createSyncEngine>;

/**
 * A full listing that comes back empty while the calendar holds shifts of the account still
 * to come is more likely a Tempus fault than a cancelled life: it is applied only when a
 * second empty listing, at least EMPTY_LISTING_CONFIRM_MS after the first, says the same.
 */
function guardEmptyListing(account: SyncAccountRef, inWindow: Iterable<StoredSyncedEvent>, now: Date) {
  const futureShifts = [...inWindow].some((e) => e.startAt > now);
  if (!futureShifts) return;
  if (account.emptyListingAt && now.getTime() - account.emptyListingAt.getTime() >= EMPTY_LISTING_CONFIRM_MS) return;
  throw new TempusError('suspicious_empty_listing', 'Tempus listed no shifts at all while the calendar has shifts to come; nothing was removed');
}

/**
 * A shift changed while its listing was paged can appear twice (the contract), and a page
 * may even repeat an id: the newest version by `updated_at` wins, and between equal
 * `updated_at` the one Tempus listed last (pages are ordered by `updated_at`). A wrong pick
 * between two same-instant copies is corrected by the next sync that lists the shift.
 */
function latestVersions(items: TempusItem[]): Map<string, TempusItem> {
  const latest = new Map<string, TempusItem>();
  for (const item of items) {
    const seen = latest.get(item.id);
    if (!seen || Date.parse(item.updated_at) >= Date.parse(seen.updated_at)) latest.set(item.id, item);
  }
  return latest;
}

function auditJson(e: MappedEvent) {
  return { title: e.title, startAt: e.startAt.toISOString(), endAt: e.endAt.toISOString(), status: e.status, location: e.location, note: e.note };
}
