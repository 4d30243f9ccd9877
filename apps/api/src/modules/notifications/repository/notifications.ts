/** Notifications and members' read state (`notifications`, `notification_reads`), always scoped to one family. */
import type { NotificationKind } from '@familyhub/shared';
import { and, count, desc, eq, inArray, isNull, lt, notInArray, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { notificationReads, notifications } from '../../../db/schema.js';

export interface NewNotification {
  kind: NotificationKind;
  title: string;
  body: string;
  date: string | null;
  eventIds: string[];
  childId: string | null;
}

export interface NotificationRow extends NewNotification {
  id: string;
  createdAt: Date;
  readAt: Date | null;
}

const columns = {
  id: notifications.id,
  kind: notifications.kind,
  title: notifications.title,
  body: notifications.body,
  date: notifications.date,
  eventIds: notifications.eventIds,
  childId: notifications.childId,
  createdAt: notifications.createdAt,
};

/** Stores a sync's notifications; each is a millisecond after the one before, so "newest first" keeps their order. */
export async function insertNotifications(tx: DbOrTx, familyId: string, rows: NewNotification[], now: Date): Promise<NotificationRow[]> {
  if (rows.length === 0) return [];
  const inserted = await tx
    .insert(notifications)
    .values(rows.map((r, i) => ({ ...r, familyId, createdAt: new Date(now.getTime() + i) })))
    .returning(columns);
  return inserted.map((r) => ({ ...r, readAt: null }));
}

/** Kinds a member receives: every kind but the muted ones. */
const receivedBy = (muted: readonly NotificationKind[]) => (muted.length > 0 ? notInArray(notifications.kind, [...muted]) : undefined);

/** The member's newest notifications of the kinds they receive, with their read time. */
export async function listForMember(db: DbOrTx, familyId: string, userId: string, muted: readonly NotificationKind[], limit: number): Promise<NotificationRow[]> {
  return db
    .select({ ...columns, readAt: notificationReads.readAt })
    .from(notifications)
    .leftJoin(notificationReads, and(eq(notificationReads.notificationId, notifications.id), eq(notificationReads.userId, userId)))
    .where(and(eq(notifications.familyId, familyId), receivedBy(muted)))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit);
}

export async function unreadCount(db: DbOrTx, familyId: string, userId: string, muted: readonly NotificationKind[]): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(notifications)
    .leftJoin(notificationReads, and(eq(notificationReads.notificationId, notifications.id), eq(notificationReads.userId, userId)))
    .where(and(eq(notifications.familyId, familyId), receivedBy(muted), isNull(notificationReads.readAt)));
  return row?.n ?? 0;
}

/** Marks the family's notifications among `ids` read by the member; ids of other families are ignored. */
export async function markRead(db: DbOrTx, familyId: string, userId: string, ids: string[], now: Date) {
  await db.execute(sql`
    insert into ${notificationReads} (notification_id, user_id, read_at)
    select ${notifications.id}, ${userId}::uuid, ${now.toISOString()}::timestamptz from ${notifications}
    where ${notifications.familyId} = ${familyId} and ${notifications.id} in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)::uuid)
    on conflict do nothing`);
}

/** Deletes up to `batch` notifications created before `cutoff` (their read state goes with them); returns how many. */
export async function deleteCreatedBefore(db: DbOrTx, cutoff: Date, batch: number): Promise<number> {
  const old = db.select({ id: notifications.id }).from(notifications).where(lt(notifications.createdAt, cutoff)).limit(batch);
  const removed = await db.delete(notifications).where(inArray(notifications.id, old)).returning({ id: notifications.id });
  return removed.length;
}
