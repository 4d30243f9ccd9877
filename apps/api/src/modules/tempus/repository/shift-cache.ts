/** The last version of each shift seen (`tempus_schedule_cache`), so unchanged shifts cost no write. */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { BULK_ROWS, ID_LIST_ROWS, inChunks } from '../../../db/bulk.js';
import type { DbOrTx } from '../../../db/client.js';
import { tempusScheduleCache } from '../../../db/schema.js';

/** The cached versions of the named shifts of the account. */
export async function accountCache(tx: DbOrTx, accountId: string, tempusIds: readonly string[]) {
  return tx
    .select({ tempusId: tempusScheduleCache.tempusId, payloadHash: tempusScheduleCache.payloadHash })
    .from(tempusScheduleCache)
    .where(
      and(
        eq(tempusScheduleCache.accountId, accountId),
        sql`${tempusScheduleCache.tempusId} in (select jsonb_array_elements_text(${JSON.stringify(tempusIds)}::jsonb))`,
      ),
    );
}

export async function upsertCache(tx: DbOrTx, accountId: string, rows: { tempusId: string; tempusUpdatedAt: Date; payloadHash: string }[]) {
  for (const part of inChunks(rows, BULK_ROWS)) {
    await tx.execute(sql`
      insert into tempus_schedule_cache (account_id, tempus_id, tempus_updated_at, payload_hash)
      select ${accountId}::uuid, t."tempusId", t."tempusUpdatedAt", t."payloadHash"
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb) as t("tempusId" text, "tempusUpdatedAt" timestamptz, "payloadHash" text)
      on conflict (account_id, tempus_id) do update set
        tempus_updated_at = excluded.tempus_updated_at, payload_hash = excluded.payload_hash`);
  }
}

export async function deleteCache(tx: DbOrTx, accountId: string, tempusIds: string[]) {
  for (const part of inChunks(tempusIds, ID_LIST_ROWS)) {
    await tx
      .delete(tempusScheduleCache)
      .where(and(eq(tempusScheduleCache.accountId, accountId), inArray(tempusScheduleCache.tempusId, part)));
  }
}
