/**
 * Connected Tempus accounts (`tempus_accounts`): identity, settings and the outcome of
 * their syncs. Tokens and leases on the same rows have files of their own.
 */
import { and, asc, count, eq, gt, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusAccounts, users } from '../../../db/schema.js';

export const accountColumns = {
  id: tempusAccounts.id,
  familyId: tempusAccounts.familyId,
  userId: tempusAccounts.userId,
  tempusUserId: tempusAccounts.tempusUserId,
  email: tempusAccounts.email,
  name: tempusAccounts.name,
  employer: tempusAccounts.employer,
  syncEnabled: tempusAccounts.syncEnabled,
  state: tempusAccounts.state,
  syncCursor: tempusAccounts.syncCursor,
  lastSyncAt: tempusAccounts.lastSyncAt,
  lastSuccessAt: tempusAccounts.lastSuccessAt,
  lastFullSyncAt: tempusAccounts.lastFullSyncAt,
  nextSyncAt: tempusAccounts.nextSyncAt,
  emptyListingAt: tempusAccounts.emptyListingAt,
  consecutiveFailures: tempusAccounts.consecutiveFailures,
  lastErrorCode: tempusAccounts.lastErrorCode,
  lastErrorMessage: tempusAccounts.lastErrorMessage,
  lastErrorAt: tempusAccounts.lastErrorAt,
};
export type AccountRow = Awaited<ReturnType<typeof findAccountById>> & {};

export async function upsertAccount(
  db: DbOrTx,
  values: {
    familyId: string;
    userId: string;
    tempusUserId: string;
    email: string | null;
    name: string | null;
    employer: string | null;
    timezone: string | null;
    accessTokenEnc: string;
    refreshTokenEnc: string | null;
    tokenExpiresAt: Date;
    scopes: string;
    now: Date;
  },
) {
  const { now, ...rest } = values;
  const [row] = await db
    .insert(tempusAccounts)
    .values({ ...rest, state: 'active', syncEnabled: true, nextSyncAt: now })
    .onConflictDoUpdate({
      target: [tempusAccounts.familyId, tempusAccounts.tempusUserId],
      set: {
        userId: rest.userId,
        email: rest.email,
        name: rest.name,
        employer: rest.employer,
        timezone: rest.timezone,
        accessTokenEnc: rest.accessTokenEnc,
        refreshTokenEnc: rest.refreshTokenEnc,
        tokenExpiresAt: rest.tokenExpiresAt,
        scopes: rest.scopes,
        state: sql`case when ${tempusAccounts.syncEnabled} then 'active'::tempus_account_state else 'disabled'::tempus_account_state end`,
        consecutiveFailures: 0,
        lastErrorCode: null,
        lastErrorMessage: null,
        lastErrorAt: null,
        nextSyncAt: now,
        updatedAt: now,
      },
    })
    .returning({ id: tempusAccounts.id });
  return row!.id;
}

export async function findAccountById(db: DbOrTx, id: string) {
  const [row] = await db.select(accountColumns).from(tempusAccounts).where(eq(tempusAccounts.id, id));
  return row;
}

export async function findFamilyAccount(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .select(accountColumns)
    .from(tempusAccounts)
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)));
  return row;
}

export async function listFamilyAccounts(db: DbOrTx, familyId: string) {
  return db
    .select({ ...accountColumns, ownerName: users.name })
    .from(tempusAccounts)
    .innerJoin(users, eq(users.id, tempusAccounts.userId))
    .where(eq(tempusAccounts.familyId, familyId))
    .orderBy(asc(tempusAccounts.createdAt));
}

/** Every account a sync can run for: turned on and not waiting for a reconnect. */
export async function listSyncableAccountIds(db: DbOrTx) {
  return db
    .select({ id: tempusAccounts.id })
    .from(tempusAccounts)
    .where(and(eq(tempusAccounts.syncEnabled, true), eq(tempusAccounts.state, 'active')));
}

export async function countAccountsByState(db: DbOrTx) {
  return db.select({ state: tempusAccounts.state, n: count() }).from(tempusAccounts).groupBy(tempusAccounts.state);
}

export async function setSyncEnabled(db: DbOrTx, familyId: string, id: string, enabled: boolean, now: Date) {
  await db
    .update(tempusAccounts)
    .set({
      syncEnabled: enabled,
      state: sql`case when ${tempusAccounts.state} = 'reauth_required' then 'reauth_required'::tempus_account_state
                      when ${enabled} then 'active'::tempus_account_state else 'disabled'::tempus_account_state end`,
      ...(enabled && { nextSyncAt: now }),
      updatedAt: now,
    })
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)));
}

/**
 * Locks every connection of a Tempus user (in every family), in id order so that two
 * disconnects of the same user cannot both believe the other still holds the grant.
 */
export async function lockConnectionsOf(tx: DbOrTx, tempusUserId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: tempusAccounts.id })
    .from(tempusAccounts)
    .where(eq(tempusAccounts.tempusUserId, tempusUserId))
    .orderBy(asc(tempusAccounts.id))
    .for('update');
  return rows.map((r) => r.id);
}

export async function deleteAccount(db: DbOrTx, familyId: string, id: string) {
  const [row] = await db
    .delete(tempusAccounts)
    .where(and(eq(tempusAccounts.familyId, familyId), eq(tempusAccounts.id, id)))
    .returning({ refreshTokenEnc: tempusAccounts.refreshTokenEnc });
  return row;
}

export async function recordSyncSuccess(
  db: DbOrTx,
  id: string,
  values: { cursor: Date; now: Date; full: boolean; nextSyncAt: Date; nextShiftAt: Date | null },
) {
  await db
    .update(tempusAccounts)
    .set({
      syncCursor: values.cursor,
      lastSyncAt: values.now,
      lastSuccessAt: values.now,
      ...(values.full && { lastFullSyncAt: values.now, emptyListingAt: null }),
      nextSyncAt: values.nextSyncAt,
      nextShiftAt: values.nextShiftAt,
      consecutiveFailures: 0,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastErrorAt: null,
      updatedAt: values.now,
    })
    .where(eq(tempusAccounts.id, id));
}

export async function recordSyncFailure(
  db: DbOrTx,
  id: string,
  values: { code: string; message: string; now: Date; nextSyncAt: Date; emptyListing?: boolean },
) {
  await db
    .update(tempusAccounts)
    .set({
      ...(values.emptyListing && { emptyListingAt: sql`coalesce(${tempusAccounts.emptyListingAt}, ${values.now.toISOString()}::timestamptz)` }),
      lastSyncAt: values.now,
      nextSyncAt: values.nextSyncAt,
      consecutiveFailures: sql`${tempusAccounts.consecutiveFailures} + 1`,
      lastErrorCode: values.code,
      lastErrorMessage: values.message,
      lastErrorAt: values.now,
      updatedAt: values.now,
    })
    .where(eq(tempusAccounts.id, id));
}
