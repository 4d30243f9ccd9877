/**
 * Members' browsers that receive Web Push (`push_subscriptions`). The endpoint is a
 * capability URL at the browser's push service: selected only where a push is sent.
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { pushSubscriptions } from '../../../db/schema.js';

export interface PushTarget {
  id: string;
  userId: string;
  endpoint: string;
  p256dh: string;
  auth: string;
}

/** Stores the browser's subscription for the member; the same endpoint again (a renewed subscription) replaces it. */
export async function upsertSubscription(db: DbOrTx, values: { userId: string; familyId: string; endpoint: string; p256dh: string; auth: string }, now: Date) {
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ ...values, createdAt: now })
    .onConflictDoUpdate({ target: pushSubscriptions.endpoint, set: { userId: values.userId, familyId: values.familyId, p256dh: values.p256dh, auth: values.auth } })
    .returning({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt });
  return row!;
}

export async function countForUser(db: DbOrTx, userId: string): Promise<number> {
  const [row] = await db.select({ n: count() }).from(pushSubscriptions).where(eq(pushSubscriptions.userId, userId));
  return row?.n ?? 0;
}

/** The member's devices, without their endpoints' secrets: only what may be shown. */
export async function listForUser(db: DbOrTx, userId: string) {
  return db
    .select({ id: pushSubscriptions.id, endpoint: pushSubscriptions.endpoint, createdAt: pushSubscriptions.createdAt })
    .from(pushSubscriptions)
    .where(eq(pushSubscriptions.userId, userId))
    .orderBy(asc(pushSubscriptions.createdAt));
}

export async function deleteForUser(db: DbOrTx, userId: string, endpoint: string) {
  await db.delete(pushSubscriptions).where(and(eq(pushSubscriptions.userId, userId), eq(pushSubscriptions.endpoint, endpoint)));
}

/** Where to push for these members of the family. */
export async function targetsOf(db: DbOrTx, familyId: string, userIds: string[]): Promise<PushTarget[]> {
  if (userIds.length === 0) return [];
  return db
    .select({ id: pushSubscriptions.id, userId: pushSubscriptions.userId, endpoint: pushSubscriptions.endpoint, p256dh: pushSubscriptions.p256dh, auth: pushSubscriptions.auth })
    .from(pushSubscriptions)
    .where(and(eq(pushSubscriptions.familyId, familyId), inArray(pushSubscriptions.userId, userIds)));
}

/** A subscription the push service says is gone (404/410) is removed. */
export async function deleteById(db: DbOrTx, id: string) {
  await db.delete(pushSubscriptions).where(eq(pushSubscriptions.id, id));
}

export async function markDelivered(db: DbOrTx, id: string, now: Date) {
  await db.update(pushSubscriptions).set({ lastSuccessAt: now }).where(eq(pushSubscriptions.id, id));
}
