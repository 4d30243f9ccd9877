/**
 * Calendar subscriptions (`calendar_subscriptions`): who owns them, their encrypted URL,
 * their settings and the outcome of their syncs. Leases on the same rows have a file of
 * their own. Every family-facing query carries the family condition.
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { calendarSubscriptions, users } from '../../../db/schema.js';

const s = calendarSubscriptions;

export const subscriptionColumns = {
  id: s.id,
  familyId: s.familyId,
  userId: s.userId,
  name: s.name,
  urlHost: s.urlHost,
  syncEnabled: s.syncEnabled,
  etag: s.etag,
  lastModified: s.lastModified,
  contentKey: s.contentKey,
  lastSyncAt: s.lastSyncAt,
  lastSuccessAt: s.lastSuccessAt,
  nextSyncAt: s.nextSyncAt,
  consecutiveFailures: s.consecutiveFailures,
  lastErrorCode: s.lastErrorCode,
  lastErrorMessage: s.lastErrorMessage,
  lastErrorAt: s.lastErrorAt,
};
export type SubscriptionRow = Awaited<ReturnType<typeof findSubscriptionById>> & {};

export async function insertSubscription(
  db: DbOrTx,
  values: {
    familyId: string;
    userId: string;
    name: string;
    urlEnc: string;
    urlHost: string;
    etag: string | null;
    lastModified: string | null;
    contentKey: string;
    now: Date;
    nextSyncAt: Date;
  },
) {
  const { now, ...rest } = values;
  const [row] = await db
    .insert(s)
    .values({ ...rest, lastSyncAt: now, lastSuccessAt: now, createdAt: now, updatedAt: now })
    .returning({ id: s.id });
  return row!.id;
}

export async function findSubscriptionById(db: DbOrTx, id: string) {
  const [row] = await db.select({ ...subscriptionColumns, urlEnc: s.urlEnc }).from(s).where(eq(s.id, id));
  return row;
}

export async function findFamilySubscription(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .select(subscriptionColumns)
    .from(s)
    .where(and(eq(s.familyId, familyId), eq(s.id, id)));
  return row;
}

export async function listFamilySubscriptions(db: DbOrTx, familyId: string) {
  return db
    .select({ ...subscriptionColumns, ownerName: users.name })
    .from(s)
    .innerJoin(users, eq(users.id, s.userId))
    .where(eq(s.familyId, familyId))
    .orderBy(asc(s.createdAt), asc(s.id));
}

/** The family's encrypted URLs, to refuse subscribing to one of them twice. */
export async function listFamilyUrls(db: DbOrTx, familyId: string) {
  return db.select({ id: s.id, urlEnc: s.urlEnc }).from(s).where(eq(s.familyId, familyId));
}

export async function updateSettings(db: DbOrTx, familyId: string, id: string, patch: { name?: string; syncEnabled?: boolean }, now: Date) {
  await db
    .update(s)
    .set({
      ...(patch.name !== undefined && { name: patch.name }),
      ...(patch.syncEnabled !== undefined && { syncEnabled: patch.syncEnabled }),
      // Turned on again: due at once, with its failures forgiven.
      ...(patch.syncEnabled === true && { nextSyncAt: now, consecutiveFailures: 0 }),
      updatedAt: now,
    })
    .where(and(eq(s.familyId, familyId), eq(s.id, id)));
}

export async function deleteSubscription(db: DbOrTx, familyId: string, id: string) {
  await db.delete(s).where(and(eq(s.familyId, familyId), eq(s.id, id)));
}

export async function recordSyncSuccess(
  db: DbOrTx,
  id: string,
  values: { now: Date; nextSyncAt: Date; validators?: { etag: string | null; lastModified: string | null; contentKey: string } },
) {
  await db
    .update(s)
    .set({
      lastSyncAt: values.now,
      lastSuccessAt: values.now,
      nextSyncAt: values.nextSyncAt,
      ...(values.validators && { etag: values.validators.etag, lastModified: values.validators.lastModified, contentKey: values.validators.contentKey }),
      consecutiveFailures: 0,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
      updatedAt: values.now,
    })
    .where(eq(s.id, id));
}

export async function recordSyncFailure(db: DbOrTx, id: string, values: { code: string; message: string; now: Date; nextSyncAt: Date }) {
  await db
    .update(s)
    .set({
      lastSyncAt: values.now,
      nextSyncAt: values.nextSyncAt,
      consecutiveFailures: sql`${s.consecutiveFailures} + 1`,
      lastErrorCode: values.code,
      lastErrorMessage: values.message,
      lastErrorAt: values.now,
      updatedAt: values.now,
    })
    .where(eq(s.id, id));
}
