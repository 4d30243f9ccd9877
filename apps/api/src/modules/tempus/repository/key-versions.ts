/**
 * Stored ciphertexts by the key version that made them (`v<version>.…`): the tokens of
 * connected accounts and the refresh tokens of owed revocations. Rewrites compare the old
 * ciphertext, so a token refreshed meanwhile is never overwritten with an older one.
 */
import { and, eq, or, sql, type AnyColumn } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { tempusAccounts, tempusPendingRevocations } from '../../../db/schema.js';

const notUnder = (column: AnyColumn, version: number) =>
  and(sql`${column} is not null`, sql`${column} not like ${`v${version}.%`}`);

/** Accounts holding a token made with another key version than `current`. */
export async function accountsWithOldKeys(db: DbOrTx, current: number, limit: number) {
  return db
    .select({ id: tempusAccounts.id, accessTokenEnc: tempusAccounts.accessTokenEnc, refreshTokenEnc: tempusAccounts.refreshTokenEnc })
    .from(tempusAccounts)
    .where(or(notUnder(tempusAccounts.accessTokenEnc, current), notUnder(tempusAccounts.refreshTokenEnc, current)))
    .limit(limit);
}

export async function rewriteAccountTokens(
  db: DbOrTx,
  id: string,
  old: { accessTokenEnc: string | null; refreshTokenEnc: string | null },
  next: { accessTokenEnc: string | null; refreshTokenEnc: string | null },
) {
  const same = (column: AnyColumn, value: string | null) => (value === null ? sql`${column} is null` : eq(column, value));
  await db
    .update(tempusAccounts)
    .set(next)
    .where(and(eq(tempusAccounts.id, id), same(tempusAccounts.accessTokenEnc, old.accessTokenEnc), same(tempusAccounts.refreshTokenEnc, old.refreshTokenEnc)));
}

export async function revocationsWithOldKeys(db: DbOrTx, current: number, limit: number) {
  return db
    .select({ id: tempusPendingRevocations.id, refreshTokenEnc: tempusPendingRevocations.refreshTokenEnc })
    .from(tempusPendingRevocations)
    .where(sql`${tempusPendingRevocations.refreshTokenEnc} not like ${`v${current}.%`}`)
    .limit(limit);
}

export async function rewriteRevocation(db: DbOrTx, id: string, old: string, next: string) {
  await db
    .update(tempusPendingRevocations)
    .set({ refreshTokenEnc: next })
    .where(and(eq(tempusPendingRevocations.id, id), eq(tempusPendingRevocations.refreshTokenEnc, old)));
}

/** How many stored tokens each key version made (access and refresh tokens of accounts, owed revocations). */
export async function countByKeyVersion(db: DbOrTx): Promise<{ version: string; n: number }[]> {
  const result = await db.execute(sql`
    select substring(enc from '^v([0-9]+)[.]') as version, count(*)::int as n
    from (select access_token_enc as enc from tempus_accounts
          union all select refresh_token_enc from tempus_accounts
          union all select refresh_token_enc from tempus_pending_revocations) t
    where enc is not null
    group by 1`);
  return (result as unknown as { rows: { version: string; n: number }[] }).rows;
}
