/**
 * The calendar's door for events that another system owns (Tempus shifts, the events of a
 * calendar subscription): the only code that writes synced rows of `calendar_events`. A
 * source syncs its events through these functions, inside its own transaction; the rule
 * that such events are read-only here (`editable = false`) is set in this one place, and
 * the calendar service enforces it.
 *
 * An event is identified by its source (which connected account or subscription) and the
 * source's own id for it; a unique index on that pair per kind of source means a
 * re-delivered item can never become two events.
 */
import { and, count, eq, gt, inArray, lt, max, min, or, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { BULK_ROWS, ID_LIST_ROWS, inChunks } from '../../db/bulk.js';
import { rowsOf, type DbOrTx } from '../../db/client.js';
import { calendarEvents } from '../../db/schema.js';

/** Where synced events come from: one connected Tempus account, or one calendar subscription. */
export interface SyncedSource {
  kind: 'tempus' | 'ics';
  /** The connected account (`tempus_accounts.id`) or the subscription (`calendar_subscriptions.id`). */
  id: string;
}

/** A synced event as its source describes it. */
export interface SyncedEventContent {
  title: string;
  startAt: Date;
  endAt: Date;
  status: 'scheduled' | 'cancelled';
  location: string | null;
  note: string | null;
  /** Whole days (an iCalendar DATE value); shifts never are. */
  allDay?: boolean;
}

export type SyncedEventWrite = { externalId: string } & SyncedEventContent;
export type StoredSyncedEvent = { id: string; externalId: string; allDay: boolean } & SyncedEventContent;

/** The columns that hold each kind's identity: which source, and the source's id of the event. */
const identity: Record<SyncedSource['kind'], { source: PgColumn; external: PgColumn; sourceSql: SQL; externalSql: SQL }> = {
  tempus: {
    source: calendarEvents.tempusAccountId,
    external: calendarEvents.tempusId,
    sourceSql: sql.raw('tempus_account_id'),
    externalSql: sql.raw('tempus_id'),
  },
  ics: {
    source: calendarEvents.subscriptionId,
    external: calendarEvents.externalId,
    sourceSql: sql.raw('subscription_id'),
    externalSql: sql.raw('external_id'),
  },
};

/** What a sync may change: the events its listing names, and those overlapping the window it lists in full. */
export interface SyncScope {
  externalIds: readonly string[];
  window?: { from: Date; to: Date };
}

/** The source's events within the scope (never its whole history, which only grows). */
export async function readSyncedEvents(db: DbOrTx, source: SyncedSource, scope: SyncScope): Promise<StoredSyncedEvent[]> {
  const columns = identity[source.kind];
  const named = sql`${columns.external} in (select jsonb_array_elements_text(${JSON.stringify(scope.externalIds)}::jsonb))`;
  const inScope = scope.window
    ? or(named, and(lt(calendarEvents.startAt, scope.window.to), gt(calendarEvents.endAt, scope.window.from)))
    : named;
  const rows = await db
    .select({
      id: calendarEvents.id,
      externalId: columns.external,
      title: calendarEvents.title,
      startAt: calendarEvents.startAt,
      endAt: calendarEvents.endAt,
      allDay: calendarEvents.allDay,
      status: calendarEvents.status,
      location: calendarEvents.location,
      note: calendarEvents.note,
    })
    .from(calendarEvents)
    .where(and(eq(columns.source, source.id), inScope));
  return rows.map((r) => ({ ...r, externalId: r.externalId as string }));
}

/**
 * Writes what a sync found changed, in the caller's transaction: upserts on the source's
 * identity and deletes by event id. Returns the event id of each item written.
 */
export async function applySyncedEvents(
  tx: DbOrTx,
  source: SyncedSource,
  owner: { familyId: string; ownerUserId: string },
  changes: { upserts: SyncedEventWrite[]; deleteIds: string[] },
  now: Date,
): Promise<Map<string, string>> {
  const { sourceSql, externalSql } = identity[source.kind];
  const ids = new Map<string, string>();
  for (const part of inChunks(changes.upserts, BULK_ROWS)) {
    const json = JSON.stringify(
      part.map((r) => ({ ...r, startAt: r.startAt.toISOString(), endAt: r.endAt.toISOString(), allDay: r.allDay ?? false })),
    );
    const result = await tx.execute(sql`
      insert into calendar_events
        (family_id, owner_user_id, ${sourceSql}, ${externalSql}, title, start_at, end_at, status, location, note,
         source, editable, all_day, updated_at)
      select ${owner.familyId}::uuid, ${owner.ownerUserId}::uuid, ${source.id}::uuid,
             t."externalId", t.title, t."startAt", t."endAt", t.status::shift_status, t.location, t.note,
             ${source.kind}::event_source, false, t."allDay", ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${json}::jsonb)
        as t("externalId" text, title text, "startAt" timestamptz, "endAt" timestamptz, status text, location text, note text,
             "allDay" boolean)
      on conflict (${sourceSql}, ${externalSql}) do update set
        title = excluded.title, start_at = excluded.start_at, end_at = excluded.end_at, status = excluded.status,
        location = excluded.location, note = excluded.note, owner_user_id = excluded.owner_user_id,
        editable = false, all_day = excluded.all_day, updated_at = excluded.updated_at
      returning id, ${externalSql} as external_id`);
    for (const r of rowsOf<{ id: string; external_id: string }>(result)) ids.set(r.external_id, r.id);
  }
  const sourceColumn = identity[source.kind].source;
  for (const part of inChunks(changes.deleteIds, ID_LIST_ROWS)) {
    await tx.delete(calendarEvents).where(and(eq(sourceColumn, source.id), inArray(calendarEvents.id, part)));
  }
  return ids;
}

/** When the source's last event in the calendar ends, or undefined without events. */
export async function latestSyncedEventEnd(db: DbOrTx, source: SyncedSource): Promise<Date | undefined> {
  const [row] = await db
    .select({ endAt: max(calendarEvents.endAt) })
    .from(calendarEvents)
    .where(eq(identity[source.kind].source, source.id));
  return row?.endAt ?? undefined;
}

/** When the source's next scheduled event starts after `after`, or undefined if none does. */
export async function nextSyncedStart(db: DbOrTx, source: SyncedSource, after: Date): Promise<Date | undefined> {
  const [row] = await db
    .select({ startAt: min(calendarEvents.startAt) })
    .from(calendarEvents)
    .where(and(eq(identity[source.kind].source, source.id), gt(calendarEvents.startAt, after), eq(calendarEvents.status, 'scheduled')));
  return row?.startAt ?? undefined;
}

/** How many events each of the family's sources of a kind has in the calendar. */
export async function countSyncedEvents(db: DbOrTx, familyId: string, kind: SyncedSource['kind']): Promise<Map<string, number>> {
  const sourceColumn = identity[kind].source;
  const rows = await db
    .select({ sourceId: sourceColumn, n: count() })
    .from(calendarEvents)
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.source, kind)))
    .groupBy(sourceColumn);
  return new Map(rows.map((r) => [r.sourceId as string, r.n]));
}

/** What a syncing module receives: the narrow set of calendar writes and reads it may use. */
export const syncedEvents = {
  read: readSyncedEvents,
  apply: applySyncedEvents,
  latestEnd: latestSyncedEventEnd,
  nextStart: nextSyncedStart,
  count: countSyncedEvents,
};
export type SyncedEvents = typeof syncedEvents;
