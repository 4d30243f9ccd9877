/** The sync log (`tempus_sync_log`) and the audit trail of what each sync changed (`tempus_sync_audit`). */
import { and, asc, desc, eq, gt, inArray, lt, lte, sql } from 'drizzle-orm';
import { BULK_ROWS, inChunks } from '../../../db/bulk.js';
import type { DbOrTx } from '../../../db/client.js';
import { tempusSyncAudit, tempusSyncLog } from '../../../db/schema.js';
import type { SyncTrigger, SyncType } from '../types.js';

export async function insertSyncLog(
  db: DbOrTx,
  values: { id: string; accountId: string; familyId: string; syncType: SyncType; trigger: SyncTrigger; startedAt: Date },
) {
  await db.insert(tempusSyncLog).values({ ...values, status: 'running' });
}

/** Syncs of the account left "running" by a process that died; called by the lease holder. */
export async function failInterruptedSyncs(db: DbOrTx, accountId: string, now: Date) {
  await db
    .update(tempusSyncLog)
    .set({ status: 'failed', errorCode: 'interrupted', errorMessage: 'The process running this sync stopped before it finished.', finishedAt: now })
    .where(and(eq(tempusSyncLog.accountId, accountId), eq(tempusSyncLog.status, 'running')));
}

export async function finishSyncLog(
  db: DbOrTx,
  id: string,
  values: {
    status: 'succeeded' | 'failed';
    fetched: number;
    created: number;
    updated: number;
    deleted: number;
    requests: number;
    errorCode: string | null;
    errorMessage: string | null;
    finishedAt: Date;
  },
) {
  const [row] = await db.update(tempusSyncLog).set(values).where(eq(tempusSyncLog.id, id)).returning();
  return row!;
}

export type SyncLogRow = typeof tempusSyncLog.$inferSelect;

export async function recentSyncs(db: DbOrTx, familyId: string, perAccount: number) {
  const ranked = db
    .select({
      id: tempusSyncLog.id,
      rank: sql<number>`row_number() over (partition by ${tempusSyncLog.accountId} order by ${tempusSyncLog.startedAt} desc)`.as('rank'),
    })
    .from(tempusSyncLog)
    .where(eq(tempusSyncLog.familyId, familyId))
    .as('ranked');
  return db
    .select()
    .from(tempusSyncLog)
    .innerJoin(ranked, eq(ranked.id, tempusSyncLog.id))
    .where(lte(ranked.rank, perAccount))
    .orderBy(desc(tempusSyncLog.startedAt))
    .then((rows) => rows.map((r) => r.tempus_sync_log));
}

/** Deletes up to `batch` syncs started before `cutoff` (their audit rows go with them); returns how many. */
export async function deleteSyncsStartedBefore(db: DbOrTx, cutoff: Date, batch: number): Promise<number> {
  const old = db.select({ id: tempusSyncLog.id }).from(tempusSyncLog).where(lt(tempusSyncLog.startedAt, cutoff)).limit(batch);
  const removed = await db.delete(tempusSyncLog).where(inArray(tempusSyncLog.id, old)).returning({ id: tempusSyncLog.id });
  return removed.length;
}

export async function findSyncLog(db: DbOrTx, familyId: string, syncId: string) {
  const [row] = await db
    .select()
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), eq(tempusSyncLog.id, syncId)));
  return row;
}

/** The family's syncs that finished after the given one, oldest first (an event stream's replay). */
export async function syncsFinishedAfter(db: DbOrTx, familyId: string, syncId: string, limit: number) {
  const [anchor] = await db
    .select({ finishedAt: tempusSyncLog.finishedAt })
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), eq(tempusSyncLog.id, syncId)));
  if (!anchor?.finishedAt) return [];
  return db
    .select()
    .from(tempusSyncLog)
    .where(and(eq(tempusSyncLog.familyId, familyId), gt(tempusSyncLog.finishedAt, anchor.finishedAt)))
    .orderBy(asc(tempusSyncLog.finishedAt))
    .limit(limit);
}

export interface AuditRow {
  eventId: string | null;
  tempusId: string;
  action: 'created' | 'updated' | 'deleted' | 'restored';
  before: unknown;
  after: unknown;
}

export async function insertAudit(tx: DbOrTx, syncId: string, accountId: string, rows: AuditRow[]) {
  for (const part of inChunks(rows, BULK_ROWS)) {
    await tx.execute(sql`
      insert into tempus_sync_audit (sync_id, account_id, event_id, tempus_id, action, before, after)
      select ${syncId}::uuid, ${accountId}::uuid, t."eventId", t."tempusId", t.action::tempus_audit_action, t.before, t.after
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb)
        as t("eventId" uuid, "tempusId" text, action text, before jsonb, after jsonb)`);
  }
}
