/**
 * The encrypted tokens on `tempus_accounts`, and the refresh claim: the one process that
 * may spend the account's rotating refresh token right now, and until when that holds if
 * it dies. The claim is a row update, not a lock held in a transaction, so no database
 * connection waits on Tempus while the refresh is in flight.
 */
import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusAccounts } from '../../../db/schema.js';

const tokenColumns = {
  accessTokenEnc: tempusAccounts.accessTokenEnc,
  refreshTokenEnc: tempusAccounts.refreshTokenEnc,
  tokenExpiresAt: tempusAccounts.tokenExpiresAt,
  state: tempusAccounts.state,
};
export type TokenRow = { accessTokenEnc: string | null; refreshTokenEnc: string | null; tokenExpiresAt: Date | null; state: 'active' | 'reauth_required' | 'disabled' };

export async function readTokens(db: DbOrTx, id: string): Promise<TokenRow | undefined> {
  const [row] = await db.select(tokenColumns).from(tempusAccounts).where(eq(tempusAccounts.id, id));
  return row;
}

/**
 * Takes (or renews) the refresh claim for `owner` unless another owner holds an unexpired
 * one; returns the tokens as they stand once claimed, or undefined when someone else holds it.
 */
export async function claimRefresh(db: DbOrTx, id: string, owner: string, now: Date, until: Date): Promise<TokenRow | undefined> {
  const [row] = await db
    .update(tempusAccounts)
    .set({ refreshClaimOwner: owner, refreshClaimUntil: until })
    .where(
      and(
        eq(tempusAccounts.id, id),
        or(isNull(tempusAccounts.refreshClaimUntil), lt(tempusAccounts.refreshClaimUntil, now), eq(tempusAccounts.refreshClaimOwner, owner)),
      ),
    )
    .returning(tokenColumns);
  return row;
}

export async function releaseRefreshClaim(db: DbOrTx, id: string, owner: string) {
  await db
    .update(tempusAccounts)
    .set({ refreshClaimOwner: null, refreshClaimUntil: null })
    .where(and(eq(tempusAccounts.id, id), eq(tempusAccounts.refreshClaimOwner, owner)));
}

/** Stores a refreshed token set and gives up the claim in the same statement. */
export async function saveRefreshedTokens(
  db: DbOrTx,
  id: string,
  owner: string,
  values: { accessTokenEnc: string; refreshTokenEnc: string | null; tokenExpiresAt: Date; now: Date },
) {
  await db
    .update(tempusAccounts)
    .set({
      accessTokenEnc: values.accessTokenEnc,
      refreshTokenEnc: values.refreshTokenEnc,
      tokenExpiresAt: values.tokenExpiresAt,
      refreshClaimOwner: null,
      refreshClaimUntil: null,
      updatedAt: values.now,
    })
    .where(and(eq(tempusAccounts.id, id), eq(tempusAccounts.refreshClaimOwner, owner)));
}

/** Tempus no longer accepts the grant: no calls until the parent reconnects. */
export async function markReauthRequired(db: DbOrTx, id: string, error: { code: string; message: string }, now: Date) {
  await db
    .update(tempusAccounts)
    .set({
      state: 'reauth_required',
      lastSyncAt: now,
      accessTokenEnc: null,
      refreshTokenEnc: null,
      tokenExpiresAt: null,
      lastErrorCode: error.code,
      lastErrorMessage: error.message,
      lastErrorAt: now,
      updatedAt: now,
    })
    .where(eq(tempusAccounts.id, id));
}
