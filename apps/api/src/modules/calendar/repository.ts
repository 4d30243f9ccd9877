/** Calendar events in the database, always scoped to one family. */
import { and, asc, eq, gt, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client.js';
import { calendarEvents, users } from '../../db/schema.js';

export const eventColumns = {
  id: calendarEvents.id,
  title: calendarEvents.title,
  startAt: calendarEvents.startAt,
  endAt: calendarEvents.endAt,
  allDay: calendarEvents.allDay,
  source: calendarEvents.source,
  editable: calendarEvents.editable,
  ownerUserId: calendarEvents.ownerUserId,
  ownerName: users.name,
  status: calendarEvents.status,
  location: calendarEvents.location,
  note: calendarEvents.note,
  tempusId: calendarEvents.tempusId,
  tempusAccountId: calendarEvents.tempusAccountId,
  updatedAt: calendarEvents.updatedAt,
};

export type EventRow = Awaited<ReturnType<typeof listEvents>>[number];

function listEventsStatement(db: DbOrTx) {
  return db
    .select(eventColumns)
    .from(calendarEvents)
    // The family condition on users too: the planner then reads the family's few members
    // by users_family_idx instead of hashing the whole users table on every request.
    .innerJoin(users, and(eq(users.id, calendarEvents.ownerUserId), eq(users.familyId, sql.placeholder('familyId'))))
    .where(
      and(
        eq(calendarEvents.familyId, sql.placeholder('familyId')),
        lt(calendarEvents.startAt, sql.placeholder('to')),
        gt(calendarEvents.endAt, sql.placeholder('from')),
      ),
    )
    .orderBy(asc(calendarEvents.startAt), asc(calendarEvents.id))
    .prepare('calendar_list_events');
}

/** The calendar's hottest query, built once per database and prepared on each connection. */
const prepared = new WeakMap<object, ReturnType<typeof listEventsStatement>>();

export async function listEvents(db: DbOrTx, familyId: string, from: Date, to: Date) {
  let statement = prepared.get(db);
  if (!statement) {
    statement = listEventsStatement(db);
    prepared.set(db, statement);
  }
  return statement.execute({ familyId, from, to });
}

export async function findEvent(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .select(eventColumns)
    .from(calendarEvents)
    .innerJoin(users, eq(users.id, calendarEvents.ownerUserId))
    .where(and(eq(calendarEvents.familyId, familyId), eq(calendarEvents.id, id)));
  return row;
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
