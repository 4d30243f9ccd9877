/**
 * Sync leases on `tempus_accounts`: which process syncs an account now, and until when its
 * claim holds if it dies. Renewed while a sync runs.
 */
import { and, asc, eq, gt, inArray, isNull, lt, lte, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusAccounts } from '../../../db/schema.js';

export async function acquireLease(db: DbOrTx, id: string, owner: string, now: Date, until: Date) {
  const rows = await db
    .update(tempusAccounts)
    .set({ leaseOwner: owner, leaseExpiresAt: until })
    .where(
      and(
        eq(tempusAccounts.id, id),
        or(isNull(tempusAccounts.leaseExpiresAt), lt(tempusAccounts.leaseExpiresAt, now), eq(tempusAccounts.leaseOwner, owner)),
      ),
    )
    .returning({ id: tempusAccounts.id });
  return rows.length === 1;
}

export async function releaseLease(db: DbOrTx, id: string, owner: string) {
  await db
    .update(tempusAccounts)
    .set({ leaseOwner: null, leaseExpiresAt: null })
    .where(and(eq(tempusAccounts.id, id), eq(tempusAccounts.leaseOwner, owner)));
}

/**
 * Claims up to `limit` due accounts for this process. `FOR UPDATE SKIP LOCKED` lets several
 * instances claim at once without waiting on or overlapping each other; the lease then
 * keeps the claim while the sync runs outside this transaction.
 */
export async function claimDueAccounts(tx: DbOrTx, owner: string, now: Date, until: Date, limit: number, onlyRetries: boolean) {
  const due = await tx
    .select({ id: tempusAccounts.id })
    .from(tempusAccounts)
    .where(
      and(
        eq(tempusAccounts.syncEnabled, true),
        eq(tempusAccounts.state, 'active'),
        lte(tempusAccounts.nextSyncAt, now),
        or(isNull(tempusAccounts.leaseExpiresAt), lt(tempusAccounts.leaseExpiresAt, now)),
        onlyRetries ? gt(tempusAccounts.consecutiveFailures, 0) : undefined,
      ),
    )
    .orderBy(asc(tempusAccounts.nextSyncAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (due.length === 0) return [];
  const ids = due.map((d) => d.id);
  await tx.update(tempusAccounts).set({ leaseOwner: owner, leaseExpiresAt: until }).where(inArray(tempusAccounts.id, ids));
  return ids;
}
