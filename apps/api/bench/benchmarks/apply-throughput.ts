/**
 * apply-throughput: the sync engine's apply step (mapping, change detection and every
 * write it makes: events, the shift cache, the audit trail) for 100,000 new shifts —
 * 100 accounts × 1,000, one transaction per account as a sync does — against a raw
 * multi-row `INSERT … ON CONFLICT DO UPDATE` of the same calendar rows through `pg`, in
 * statements of 1,000 rows. Both start from empty tables; best of two rounds each.
 */
import { randomUUID } from 'node:crypto';
import { syncedEvents } from '../../src/modules/calendar/synced-events.js';
import type { TempusApi } from '../../src/modules/tempus/client.js';
import { mapShift } from '../../src/modules/tempus/mapping.js';
import { createSyncEngine, type SyncAccountRef } from '../../src/modules/tempus/sync-engine.js';
import type { TempusShift } from '../../src/modules/tempus/types.js';
import { createBenchDatabase, type BenchDatabase } from '../lib/database.js';
import { fmt, round, type BenchResult, type RunContext } from '../lib/report.js';
import { benchShifts } from '../lib/shifts.js';

const TARGET = 0.5;
const COLUMNS = 14;

export async function runApplyThroughput(ctx: RunContext): Promise<BenchResult> {
  const accountsN = ctx.smoke ? 4 : 100;
  const perAccount = ctx.smoke ? 500 : 1000;
  const rounds = ctx.smoke ? 1 : 2;
  const total = accountsN * perAccount;
  const db = await createBenchDatabase('apply_throughput', { keep: ctx.keep });
  try {
    const now = new Date();
    const accounts = await insertAccounts(db, accountsN);
    const items = accounts.map((a, i) => shiftsFor(i, perAccount, now));
    const starts = items.flat().map((s) => Date.parse(s.start_time));
    const ends = items.flat().map((s) => Date.parse(s.end_time));
    const window = { from: new Date(Math.min(...starts) - 86_400_000), to: new Date(Math.max(...ends) + 86_400_000) };
    const rawParams = accounts.map((a, i) => rawRows(a, items[i]!, now));
    const engine = createSyncEngine({ api: {} as TempusApi, calendar: syncedEvents });

    const raw: number[] = [];
    const product: number[] = [];
    const writes: Record<string, number>[] = [];
    for (let r = 0; r < rounds; r++) {
      await reset(db);
      let t = performance.now();
      for (const params of rawParams) await db.pool.query(rawInsertSql(params.length / COLUMNS), params);
      raw.push(performance.now() - t);
      ctx.log(`  round ${r + 1}: raw INSERT … ON CONFLICT ${fmt.s(raw.at(-1)!)} (${fmt.rate(total / (raw.at(-1)! / 1000), 'rows')})`);

      await reset(db);
      const syncIds = await insertSyncLogs(db, accounts);
      t = performance.now();
      for (const [i, account] of accounts.entries()) {
        await db.database.db.transaction((tx) => engine.apply(tx, account, syncIds[i]!, 'initial', items[i]!, window, now));
      }
      product.push(performance.now() - t);
      ctx.log(`  round ${r + 1}: sync engine apply ${fmt.s(product.at(-1)!)} (${fmt.rate(total / (product.at(-1)! / 1000), 'shifts')})`);
      writes.push(await tableCounts(db));
    }

    const bestRaw = Math.min(...raw);
    const bestProduct = Math.min(...product);
    const ratio = bestRaw / bestProduct;
    const name = 'apply-throughput';
    return {
      name,
      title: `Apply throughput: mapping + upserting ${total.toLocaleString('en-US')} shifts (${accountsN} accounts × ${perAccount})`,
      figures: [
        {
          benchmark: name,
          figure: `${total.toLocaleString('en-US')} shifts, throughput vs raw`,
          measured: fmt.rate(total / (bestProduct / 1000), 'shifts'),
          floor: `${fmt.rate(total / (bestRaw / 1000), 'rows')} raw`,
          ratio,
          target: `≥ ${TARGET}× raw`,
          pass: ratio >= TARGET,
        },
      ],
      details: {
        accounts: accountsN,
        shiftsPerAccount: perAccount,
        rounds,
        rawMs: raw.map((v) => Math.round(v)),
        productMs: product.map((v) => Math.round(v)),
        ratio: round(ratio, 3),
        rowsWrittenByApply: writes[0],
      },
    };
  } finally {
    await db.drop();
  }
}

async function insertAccounts(db: BenchDatabase, n: number): Promise<SyncAccountRef[]> {
  const { rows } = await db.pool.query<{ id: string; family_id: string; user_id: string }>(
    `with f as (insert into families (name) select 'Familjen ' || g from generate_series(1, $1) g returning id),
          u as (insert into users (family_id, email, name, role, password_hash)
                select id, 'apply.' || id || '@bench.example.se', 'Bench', 'parent', 'x' from f returning id, family_id)
     insert into tempus_accounts (family_id, user_id, tempus_user_id, state, sync_enabled)
     select family_id, id, 'usr_' || id, 'active', true from u
     returning id, family_id, user_id`,
    [n],
  );
  return rows.map((r) => ({ id: r.id, familyId: r.family_id, userId: r.user_id, syncCursor: null, emptyListingAt: null }));
}

function shiftsFor(index: number, count: number, now: Date): TempusShift[] {
  const updatedAt = new Date(now.getTime() - 86_400_000).toISOString();
  return benchShifts(`apply${index}`, count, now, index).map((s) => ({
    id: s.id!,
    shift_type: s.shift_type,
    start_time: s.start_time,
    end_time: s.end_time,
    status: s.status ?? 'scheduled',
    location: s.location ?? null,
    note: s.note ?? null,
    updated_at: updatedAt,
    deleted: false,
  }));
}

/** The rows the product writes to calendar_events, flattened into query parameters. */
function rawRows(account: SyncAccountRef, shifts: TempusShift[], now: Date): unknown[] {
  const params: unknown[] = [];
  for (const shift of shifts) {
    const e = mapShift(shift);
    params.push(
      account.familyId,
      account.userId,
      account.id,
      shift.id,
      e.title,
      e.startAt,
      e.endAt,
      e.status,
      e.location,
      e.note,
      'tempus',
      false,
      false,
      now,
    );
  }
  return params;
}

function rawInsertSql(rows: number): string {
  const values: string[] = [];
  for (let r = 0; r < rows; r++) {
    const base = r * COLUMNS;
    values.push(`(${Array.from({ length: COLUMNS }, (_, c) => `$${base + c + 1}`).join(',')})`);
  }
  return `insert into calendar_events (family_id, owner_user_id, tempus_account_id, tempus_id, title, start_at, end_at,
            status, location, note, source, editable, all_day, updated_at)
          values ${values.join(',')}
          on conflict (tempus_account_id, tempus_id) do update set
            title = excluded.title, start_at = excluded.start_at, end_at = excluded.end_at, status = excluded.status,
            location = excluded.location, note = excluded.note, owner_user_id = excluded.owner_user_id,
            editable = false, all_day = false, updated_at = excluded.updated_at`;
}

async function insertSyncLogs(db: BenchDatabase, accounts: SyncAccountRef[]): Promise<string[]> {
  const ids = accounts.map(() => randomUUID());
  await db.pool.query(
    `insert into tempus_sync_log (id, account_id, family_id, sync_type, trigger, status)
     select * , 'initial', 'schedule', 'running' from unnest($1::uuid[], $2::uuid[], $3::uuid[])`,
    [ids, accounts.map((a) => a.id), accounts.map((a) => a.familyId)],
  );
  return ids;
}

async function reset(db: BenchDatabase) {
  await db.pool.query('truncate calendar_events, tempus_schedule_cache, tempus_sync_audit');
  await db.pool.query('vacuum analyze calendar_events');
  // Start each timed phase with no dirty pages left by the previous one (needs pg_checkpoint).
  await db.pool.query('checkpoint').catch(() => undefined);
}

async function tableCounts(db: BenchDatabase) {
  const { rows } = await db.pool.query<Record<string, number>>(`
    select (select count(*) from calendar_events)::int as calendar_events,
           (select count(*) from tempus_schedule_cache)::int as tempus_schedule_cache,
           (select count(*) from tempus_sync_audit)::int as tempus_sync_audit`);
  return rows[0]!;
}
