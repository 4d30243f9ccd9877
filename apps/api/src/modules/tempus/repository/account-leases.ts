/**
 * Sync leases on `tempus_accounts`: which process syncs an account now, and until when its
 * claim holds if it dies. Renewed while a sync runs.
 */
import { and, asc, desc, eq, inArray, isNull, lt, lte, min, or, sql } from 'drizzle-orm';
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

/** How a pass ranks due accounts. */
export interface ClaimOrder {
  /** Accounts whose last success is older than this (the slowest cadence) come first, whatever else. */
  overdueBefore: Date;
  /** Accounts whose next shift starts before this go ahead of the others… */
  shiftSoonBefore: Date;
  /** …by this much: they count as due this much earlier (a head start, so the others never starve). */
  shiftSoonHeadStartMs: number;
}

/**
 * Claims up to `limit` due accounts for this process, the most urgent first: overdue for
 * the slowest cadence, then by how long they have been due, an account with a shift soon
 * counting as due a head start earlier, then (among accounts due at the same instant) the
 * longest without a successful sync. `FOR UPDATE SKIP LOCKED` lets several instances
 * claim at once without waiting on or overlapping each other; the lease then keeps the
 * claim while the sync runs outside this transaction.
 */
export async function claimDueAccounts(tx: DbOrTx, owner: string, now: Date, until: Date, limit: number, order: ClaimOrder) {
  const a = tempusAccounts;
  const due = await tx
    .select({ id: a.id })
    .from(a)
    .where(
      and(
        eq(a.syncEnabled, true),
        eq(a.state, 'active'),
        lte(a.nextSyncAt, now),
        or(isNull(a.leaseExpiresAt), lt(a.leaseExpiresAt, now)),
      ),
    )
    .orderBy(
      desc(sql`coalesce(${a.lastSuccessAt} < ${order.overdueBefore.toISOString()}::timestamptz, true)`),
      asc(
        sql`${a.nextSyncAt} - case when coalesce(${a.nextShiftAt} < ${order.shiftSoonBefore.toISOString()}::timestamptz, false)
                                   then ${`${order.shiftSoonHeadStartMs} milliseconds`}::interval else interval '0' end`,
      ),
      sql`${a.lastSuccessAt} asc nulls first`,
    )
    .limit(limit)
    .for('update', { of: a, skipLocked: true });
  if (due.length === 0) return [];
  const ids = due.map((d) => d.id);
  await tx.update(a).set({ leaseOwner: owner, leaseExpiresAt: until }).where(inArray(a.id, ids));
  return ids;
}

/** When the next account falls due (for the pacer to sleep until then), or undefined if none will. */
export async function nextDueAt(db: DbOrTx): Promise<Date | undefined> {
  const [row] = await db
    .select({ at: min(tempusAccounts.nextSyncAt) })
    .from(tempusAccounts)
    .where(and(eq(tempusAccounts.syncEnabled, true), eq(tempusAccounts.state, 'active')));
  return row?.at ?? undefined;
}
