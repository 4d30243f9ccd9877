/** The subscription sync log (`subscription_sync_log`) and what each sync changed (`subscription_sync_audit`). */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { BULK_ROWS, inChunks } from '../../../db/bulk.js';
import type { DbOrTx } from '../../../db/client.js';
import { subscriptionSyncLog } from '../../../db/schema.js';

export type SyncTrigger = 'create' | 'schedule' | 'manual';

export interface SyncOutcome {
  status: 'succeeded' | 'failed';
  notModified: boolean;
  fetched: number;
  created: number;
  updated: number;
  deleted: number;
  errorCode: string | null;
  errorMessage: string | null;
  finishedAt: Date;
}

export async function insertSyncLog(db: DbOrTx, values: { id: string; subscriptionId: string; familyId: string; trigger: SyncTrigger; startedAt: Date }) {
  await db.insert(subscriptionSyncLog).values({ ...values, status: 'running' });
}

/** Syncs of the subscription left "running" by a process that died; called by the lease holder. */
export async function failInterruptedSyncs(db: DbOrTx, subscriptionId: string, now: Date) {
  await db
    .update(subscriptionSyncLog)
    .set({ status: 'failed', errorCode: 'interrupted', errorMessage: 'The process running this sync stopped before it finished.', finishedAt: now })
    .where(and(eq(subscriptionSyncLog.subscriptionId, subscriptionId), eq(subscriptionSyncLog.status, 'running')));
}

export async function finishSyncLog(db: DbOrTx, id: string, outcome: SyncOutcome) {
  await db.update(subscriptionSyncLog).set(outcome).where(eq(subscriptionSyncLog.id, id));
}

export interface AuditRow {
  eventId: string | null;
  externalId: string;
  action: 'created' | 'updated' | 'deleted';
  before: unknown;
  after: unknown;
}

export async function insertAudit(tx: DbOrTx, syncId: string, subscriptionId: string, rows: AuditRow[]) {
  for (const part of inChunks(rows, BULK_ROWS)) {
    await tx.execute(sql`
      insert into subscription_sync_audit (sync_id, subscription_id, event_id, external_id, action, before, after)
      select ${syncId}::uuid, ${subscriptionId}::uuid, t."eventId", t."externalId", t.action::subscription_audit_action, t.before, t.after
      from jsonb_to_recordset(${JSON.stringify(part)}::jsonb)
        as t("eventId" uuid, "externalId" text, action text, before jsonb, after jsonb)`);
  }
}

/** Deletes up to `batch` syncs started before `cutoff` (their audit rows go with them); returns how many. */
export async function deleteSyncsStartedBefore(db: DbOrTx, cutoff: Date, batch: number): Promise<number> {
  const old = db.select({ id: subscriptionSyncLog.id }).from(subscriptionSyncLog).where(lt(subscriptionSyncLog.startedAt, cutoff)).limit(batch);
  const removed = await db.delete(subscriptionSyncLog).where(inArray(subscriptionSyncLog.id, old)).returning({ id: subscriptionSyncLog.id });
  return removed.length;
}
