/**
 * Sync leases on `calendar_subscriptions`: which process syncs a subscription now, and
 * until when its claim holds if it dies. Claiming due subscriptions uses `FOR UPDATE SKIP
 * LOCKED`, so instances share the work without waiting on or overlapping each other.
 */
import { and, asc, eq, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { calendarSubscriptions } from '../../../db/schema.js';

const s = calendarSubscriptions;

export async function acquireLease(db: DbOrTx, id: string, owner: string, now: Date, until: Date) {
  const rows = await db
    .update(s)
    .set({ leaseOwner: owner, leaseExpiresAt: until })
    .where(and(eq(s.id, id), or(isNull(s.leaseExpiresAt), lt(s.leaseExpiresAt, now), eq(s.leaseOwner, owner))))
    .returning({ id: s.id });
  return rows.length === 1;
}

export async function releaseLease(db: DbOrTx, id: string, owner: string) {
  await db
    .update(s)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(s.id, id), eq(s.leaseOwner, owner)));
}

/** Claims up to `limit` due subscriptions for this process, oldest due first. */
export async function claimDueSubscriptions(tx: DbOrTx, owner: string, now: Date, until: Date, limit: number) {
  const due = await tx
    .select({ id: s.id })
    .from(s)
    .where(and(eq(s.syncEnabled, true), lte(s.nextSyncAt, now), or(isNull(s.leaseExpiresAt), lt(s.leaseExpiresAt, now))))
    .orderBy(asc(s.nextSyncAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];
  const ids = due.map((d) => d.id);
  await tx.update(s).set({ leaseOwner: owner, leaseExpiresAt: until }).where(inArray(s.id, ids));
  return ids;
}
