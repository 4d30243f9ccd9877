/**
 * Running one sync of one account: one process at a time per account across instances (a
 * lease renewed while the sync runs, freed within LEASE_MS if the process dies), fetch
 * then apply, every sync logged with its outcome, the account's next due time set, the
 * outcome announced. A sync never rejects; what went wrong is in its summary.
 */
import type { SyncSummary } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { nextRetry } from '../../lib/backoff.js';
import { isDatabaseDown } from '../../lib/database-errors.js';
import { ConflictError } from '../../lib/errors.js';
import { sleep } from '../../lib/sleep.js';
import { handOn, type AfterSync, type SyncedChanges } from '../calendar/synced-changes.js';
import type { SyncedEvents } from '../calendar/synced-events.js';
import type { TempusMetrics } from './metrics.js';
import type { Lane } from './rate-budget.js';
import * as leasesRepo from './repository/account-leases.js';
import * as tokensRepo from './repository/account-tokens.js';
import * as accountsRepo from './repository/accounts.js';
import * as syncLogRepo from './repository/sync-log.js';
import type { SyncEngine, SyncUsage } from './sync-engine.js';
import type { SyncEvents } from './sync-events.js';
import { nextRegularSync, reconcileWindow, syncTypeFor, syncWindow } from './sync-policy.js';
import { toSummary } from './sync-summary.js';
import type { Tokens } from './tokens.js';
import { TempusError, type SyncTrigger } from './types.js';

export const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const LEASE_WAIT_MS = 120_000;
/** How long the outcome of a sync is retried when the database is away as it ends. */
const RECORD_RETRY_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];
/** Failures that only a parent's reconnect can mend: no more calls until then. */
const NEEDS_RECONNECT = new Set(['invalid_grant', 'insufficient_scope', 'token_unreadable']);

export interface SyncRunnerDeps {
  db: Db;
  engine: SyncEngine;
  tokens: Tokens;
  events: Pick<SyncEvents, 'announce'>;
  calendar: Pick<SyncedEvents, 'latestEnd' | 'nextStart'>;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  clock: () => Date;
  random: () => number;
  instanceId: string;
  /** Told what each successful sync changed, after its commit (notifications); never awaited. */
  afterSync?: AfterSync;
  config: {
    window: { pastDays: number; futureDays: number };
    /** Background syncs of one account are at least this far apart. */
    minIntervalMs: number;
  };
}

export function createSyncRunner(deps: SyncRunnerDeps) {
  const { db, engine, tokens, events, metrics, log, clock, random, instanceId, config } = deps;

  /** A write that must land even when the database blips: retried for a while, then thrown. */
  async function persist<T>(what: string, write: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await write();
      } catch (err) {
        if (attempt >= RECORD_RETRY_MS.length || !isDatabaseDown(err)) throw err;
        log.warn({ what, attempt }, 'database unavailable while recording a sync; retrying');
        await sleep(RECORD_RETRY_MS[attempt]!);
      }
    }
  }

  async function acquireLease(accountId: string, signal: AbortSignal) {
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (;;) {
      const now = clock();
      if (await leasesRepo.acquireLease(db, accountId, instanceId, now, new Date(now.getTime() + LEASE_MS))) return true;
      if (Date.now() > deadline || signal.aborted) return false;
      await sleep(250, signal).catch(() => undefined);
    }
  }

  async function runSync(accountId: string, trigger: SyncTrigger, syncId: string, lane: Lane, signal: AbortSignal): Promise<SyncSummary> {
    const account = await accountsRepo.findAccountById(db, accountId);
    if (!account) return orphanSummary(accountId, syncId, trigger, 'not_found', 'The Tempus account no longer exists.');
    if (!(await acquireLease(accountId, signal))) {
      return orphanSummary(accountId, syncId, trigger, 'busy', 'Another process kept this account busy; try again.');
    }
    // Renewed while the sync runs; a process that dies stops renewing and frees the account.
    const heartbeat = setInterval(() => {
      const now = clock();
      leasesRepo.acquireLease(db, accountId, instanceId, now, new Date(now.getTime() + LEASE_MS)).catch(() => undefined);
    }, LEASE_RENEW_MS);
    heartbeat.unref();
    const startedAt = clock();
    const started = performance.now();
    const type = syncTypeFor(account, startedAt);
    const usage: SyncUsage = { requests: 0 };
    const call = { lane, signal };
    let summary: SyncSummary;
    try {
      // Holding the lease, any sync of this account still "running" belongs to a process that died.
      await syncLogRepo.failInterruptedSyncs(db, accountId, startedAt);
      await syncLogRepo.insertSyncLog(db, { id: syncId, accountId, familyId: account.familyId, syncType: type, trigger, startedAt });
      try {
        if (account.state === 'reauth_required') throw new TempusError('invalid_grant', 'The Tempus connection must be renewed');
        // Paused means no background syncs; a parent's or an operator's ask still runs.
        if (!account.syncEnabled && trigger === 'schedule') throw new ConflictError('sync_disabled', 'Sync is turned off for this account.');
        const source = { kind: 'tempus' as const, id: accountId };
        const window = syncWindow(startedAt, config.window);
        const listed = type === 'incremental' ? window : reconcileWindow(window, await deps.calendar.latestEnd(db, source));
        const fetched = await engine.fetchAll(account, type, listed, tokens.forSync(accountId, usage, call), usage, call);
        let applied: SyncedChanges | undefined;
        const row = await db.transaction(async (tx) => {
          const now = clock();
          const { counts, changes } = await engine.apply(tx, account, syncId, type, fetched.items, listed, now);
          applied = { familyId: account.familyId, ownerUserId: account.userId, source, changes };
          await accountsRepo.recordSyncSuccess(tx, accountId, {
            cursor: fetched.serverTime,
            now,
            full: type !== 'incremental',
            nextSyncAt: nextRegularSync(now, config.minIntervalMs, random),
            nextShiftAt: (await deps.calendar.nextStart(tx, source, now)) ?? null,
          });
          return syncLogRepo.finishSyncLog(tx, syncId, { status: 'succeeded', ...counts, requests: usage.requests, errorCode: null, errorMessage: null, finishedAt: now });
        });
        summary = toSummary(row);
        handOn(deps.afterSync, applied!, (err) => log.error({ err, accountId, syncId }, 'could not hand on what the sync changed'));
      } catch (err) {
        summary = await recordFailure(account, syncId, err, usage.requests).catch((recordErr: unknown) => {
          log.error({ err: recordErr, accountId, syncId }, 'could not record the failed sync');
          return orphanSummary(accountId, syncId, trigger, 'database_unavailable', 'The database was unavailable when the sync ended.');
        });
      }
    } catch (err) {
      log.error({ err, accountId, syncId }, 'could not start the sync');
      summary = orphanSummary(accountId, syncId, trigger, isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not be started.');
    } finally {
      clearInterval(heartbeat);
      await persist('release lease', () => leasesRepo.releaseLease(db, accountId, instanceId)).catch((err: unknown) =>
        log.error({ err, accountId }, 'could not release sync lease'),
      );
    }
    logOutcome(summary, type);
    metrics.syncs.inc({ type, status: summary.status });
    metrics.syncDuration.observe({ type, status: summary.status }, (performance.now() - started) / 1000);
    events.announce(account.familyId, summary);
    return summary;
  }

  async function recordFailure(account: accountsRepo.AccountRow, syncId: string, err: unknown, requests: number): Promise<SyncSummary> {
    const now = clock();
    const known = err instanceof TempusError || err instanceof ConflictError;
    const down = !known && isDatabaseDown(err);
    const code = known ? err.code : down ? 'database_unavailable' : 'internal_error';
    const message = known ? err.message : down ? 'The database was unavailable during the sync.' : 'The sync failed unexpectedly.';
    if (NEEDS_RECONNECT.has(code)) {
      await persist('mark reauth', () => tokensRepo.markReauthRequired(db, account.id, { code, message }, now));
      log.warn({ accountId: account.id, code }, 'Tempus connection needs to be renewed by the parent');
    } else if (code === 'sync_disabled') {
      // Turned off while the sync waited: nothing failed, so the account keeps its record.
      log.info({ accountId: account.id, syncId }, 'Tempus sync skipped: sync is turned off');
    } else {
      // A block from Tempus says when to come back; anything else backs off.
      const retryAt = err instanceof TempusError ? err.retryAt : undefined;
      const nextSyncAt = retryAt ?? nextRetry(now, account.consecutiveFailures + 1, random);
      const emptyListing = code === 'suspicious_empty_listing';
      await persist('record failure', () => accountsRepo.recordSyncFailure(db, account.id, { code, message, now, nextSyncAt, emptyListing }));
      if (code === 'internal_error') log.error({ err, accountId: account.id, syncId }, 'Tempus sync failed unexpectedly');
    }
    const row = await persist('finish sync log', () =>
      syncLogRepo.finishSyncLog(db, syncId, {
        status: 'failed',
        fetched: 0,
        created: 0,
        updated: 0,
        deleted: 0,
        requests,
        errorCode: code,
        errorMessage: message,
        finishedAt: now,
      }),
    );
    return toSummary(row);
  }

  /** One line per finished sync, whatever became of it. */
  function logOutcome(summary: SyncSummary, type: string) {
    const { id: syncId, accountId, trigger, fetched, created, updated, deleted, requests, error } = summary;
    if (!error) log.info({ accountId, syncId, type, trigger, fetched, created, updated, deleted, requests }, 'Tempus sync succeeded');
    else log.warn({ accountId, syncId, type, trigger, code: error.code, reason: error.message, requests }, 'Tempus sync failed');
  }

  /** The outcome of a sync that never got a log row (the account vanished, it never started, the database was away). */
  function orphanSummary(accountId: string, id: string, trigger: SyncTrigger, code: string, message: string): SyncSummary {
    const now = clock().toISOString();
    return {
      id,
      accountId,
      type: 'incremental',
      trigger,
      status: 'failed',
      fetched: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      requests: 0,
      error: { code, message },
      startedAt: now,
      finishedAt: now,
    };
  }

  /** Runs one sync; never rejects: nobody may be awaiting it (a 202, the connect), and a rejection would end the process. */
  function run(accountId: string, trigger: SyncTrigger, syncId: string, lane: Lane, signal: AbortSignal): Promise<SyncSummary> {
    return runSync(accountId, trigger, syncId, lane, signal).catch((err: unknown) => {
      log.error({ err, accountId, syncId }, 'Tempus sync could not run');
      return orphanSummary(accountId, syncId, trigger, isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not run.');
    });
  }

  return { run, orphanSummary };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
