/** Calendar events in the database, always scoped to one family. */
import { and, eq, sql } from 'drizzle-orm';
import { rowsOf, type DbOrTx } from '../../db/client.js';
import { calendarEvents, users } from '../../db/schema.js';
import { instantText, isoFromPgInstant } from '../../db/instant-text.js';

export const eventColumns = {
  id: calendarEvents.id,
  title: calendarEvents.title,
  startAt: instantText(calendarEvents.startAt),
  endAt: instantText(calendarEvents.endAt),
  allDay: calendarEvents.allDay,
  source: calendarEvents.source,
  editable: calendarEvents.editable,
  ownerUserId: calendarEvents.ownerUserId,
  ownerName: users.name,
  ownerColor: users.color,
  status: calendarEvents.status,
  location: calendarEvents.location,
  note: calendarEvents.note,
  tempusId: calendarEvents.tempusId,
  tempusAccountId: calendarEvents.tempusAccountId,
  subscriptionId: calendarEvents.subscriptionId,
  updatedAt: instantText(calendarEvents.updatedAt),
};

type EventRecord = typeof calendarEvents.$inferSelect;

/** An event as the API shows it: instants as ISO 8601 UTC text, with its owner's name and colour. */
export type EventRow = Pick<
  EventRecord,
  | 'id'
  | 'title'
  | 'allDay'
  | 'source'
  | 'editable'
  | 'ownerUserId'
  | 'status'
  | 'location'
  | 'note'
  | 'tempusId'
  | 'tempusAccountId'
  | 'subscriptionId'
> & { ownerName: string; ownerColor: string; startAt: string; endAt: string; updatedAt: string };

const e = calendarEvents;

/** Where a page of events ends: the last event's start and id, in the reading order. */
export interface EventsPosition {
  startAt: string;
  id: string;
}

/**
 * The calendar's hottest query, as SQL whose rows are used as they come: Drizzle's generic
 * row mapping cost more than the query itself on a month of a family's events. The family
 * condition is on users too: the planner then reads the family's few members by
 * users_family_idx instead of hashing the whole users table on every request.
 *
 * At most `limit` events, ordered by start and id; `after` continues where a page ended.
 */
export async function listEvents(
  db: DbOrTx,
  familyId: string,
  from: Date,
  to: Date,
  { limit, after }: { limit: number; after?: EventsPosition | undefined },
): Promise<EventRow[]> {
  const continuing = after ? sql`and (${e.startAt}, ${e.id}) > (${after.startAt}::timestamptz, ${after.id}::uuid)` : sql``;
  const result = await db.execute(sql`
    select ${e.id} as "id", ${e.title} as "title", ${e.startAt} as "startAt", ${e.endAt} as "endAt",
           ${e.allDay} as "allDay", ${e.source} as "source", ${e.editable} as "editable",
           ${e.ownerUserId} as "ownerUserId", ${users.name} as "ownerName", ${users.color} as "ownerColor",
           ${e.status} as "status", ${e.location} as "location", ${e.note} as "note", ${e.tempusId} as "tempusId",
           ${e.tempusAccountId} as "tempusAccountId", ${e.subscriptionId} as "subscriptionId", ${e.updatedAt} as "updatedAt"
    from ${e}
    join ${users} on ${users.id} = ${e.ownerUserId} and ${users.familyId} = ${familyId}
    where ${e.familyId} = ${familyId} and ${e.startAt} < ${to.toISOString()} and ${e.endAt} > ${from.toISOString()} ${continuing}
    order by ${e.startAt}, ${e.id}
    limit ${limit}`);
  const rows = rowsOf<EventRow>(result);
  for (const row of rows) {
    row.startAt = isoFromPgInstant(row.startAt);
    row.endAt = isoFromPgInstant(row.endAt);
    row.updatedAt = isoFromPgInstant(row.updatedAt);
  }
  return rows;
}

export async function findEvent(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .select(eventColumns)
    .from(calendarEvents)
    .innerJoin(users, eq(users.id, calendarEvents.ownerUserId))
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.id, id)));
  return row;
}

/** How many events the family's members made by hand. */
export async function countManualEvents(db: DbOrTx, familyId: string): Promise<number> {
  const result = await db.execute(
    sql`select count(*)::int as "n" from ${e} where ${e.familyId} = ${familyId} and ${e.source} = 'manual'`,
  );
  return rowsOf<{ n: number }>(result)[0]!.n;
}

/** Holds, until the transaction ends, the right to add events to the family (one adder at a time). */
export async function lockFamilyEvents(tx: DbOrTx, familyId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`calendar-events:${familyId}`}, 0))`);
}

export async function insertManualEvent(
  db: DbOrTx,
  values: {
    familyId: string;
    ownerUserId: string;
    title: string;
    startAt: Date;
    endAt: Date;
    allDay: boolean;
    location: string | null;
    note: string | null;
  },
) {
  const [row] = await db.insert(calendarEvents).values({ ...values, source: 'manual', editable: true }).returning({ id: calendarEvents.id });
  return row!.id;
}

export async function updateManualEvent(
  db: DbOrTx,
  familyId: string,
  id: string,
  patch: Partial<{ title: string; startAt: Date; endAt: Date; allDay: boolean; location: string | null; note: string | null }>,
) {
  await db
    .update(calendarEvents)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.id, id), eq(calendarEvents.editable, true)));
}

export async function deleteManualEvent(db: DbOrTx, familyId: string, id: string) {
  await db
    .delete(calendarEvents)
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.id, id), eq(calendarEvents.editable, true)));
}

/**
 * What the family's events in a range look like, in one cheap aggregate: how many there
 * are, a sum of a hash of each event's id and last change, and the members' names (shown
 * in titles). Any added, removed or changed event, or a renamed member, changes it with
 * overwhelming likelihood; the feed uses it as its ETag without reading the events.
 */
export async function eventsFingerprint(db: DbOrTx, familyId: string, from: Date, to: Date): Promise<string> {
  const result = await db.execute(sql`
    select count(*)::int as "n",
           coalesce(sum(hashtextextended(${e.id}::text || ${e.updatedAt}::text, 0)), 0)::text as "sum",
           (select string_agg(${users.id}::text || ':' || ${users.name}, ',' order by ${users.id})
              from ${users} where ${users.familyId} = ${familyId}) as "members"
    from ${e}
    where ${e.familyId} = ${familyId} and ${e.startAt} < ${to.toISOString()} and ${e.endAt} > ${from.toISOString()}`);
  const [row] = rowsOf<{ n: number; sum: string; members: string | null }>(result);
  return `${row!.n}.${row!.sum}.${row!.members ?? ''}`;
}
