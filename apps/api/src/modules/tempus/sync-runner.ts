/**
 * Running syncs: one at a time per account in this process (a second ask is queued right
 * behind the running one, further asks join it), one process at a time per account across
 * instances (a lease renewed while the sync runs, freed within LEASE_MS if the process
 * dies), every sync logged with its outcome, and the scheduler's passes over due accounts.
 */
import { randomUUID } from 'node:crypto';
import type { SyncSummary } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { nextRetry } from '../../lib/backoff.js';
import { isDatabaseDown } from '../../lib/database-errors.js';
import { ConflictError } from '../../lib/errors.js';
import type { SyncedEvents } from '../calendar/synced-events.js';
import type { TempusMetrics } from './metrics.js';
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

const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const LEASE_WAIT_MS = 120_000;
/** How long the outcome of a sync is retried when the database is away as it ends. */
const RECORD_RETRY_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];

export interface SyncRunnerDeps {
  db: Db;
  engine: SyncEngine;
  tokens: Tokens;
  events: Pick<SyncEvents, 'announce'>;
  calendar: Pick<SyncedEvents, 'latestEnd'>;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  clock: () => Date;
  random: () => number;
  instanceId: string;
  config: {
    window: { pastDays: number; futureDays: number };
    /** How long after a successful sync an account is due again (from the cron schedule). */
    syncIntervalMs: number;
    concurrency: number;
  };
}

export interface QueuedSync {
  id: string;
  done: Promise<SyncSummary>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createSyncRunner(deps: SyncRunnerDeps) {
  const { db, engine, tokens, events, metrics, log, clock, random, instanceId, config } = deps;
  const slots = new Map<string, { running: Promise<SyncSummary>; queued?: QueuedSync }>();
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

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

  async function acquireLease(accountId: string) {
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (;;) {
      const now = clock();
      if (await leasesRepo.acquireLease(db, accountId, instanceId, now, new Date(now.getTime() + LEASE_MS))) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  }

  async function runSync(accountId: string, trigger: SyncTrigger, syncId: string): Promise<SyncSummary> {
    const account = await accountsRepo.findAccountById(db, accountId);
    if (!account) return orphanSummary(accountId, syncId, trigger, 'not_found', 'The Tempus account no longer exists.');
    if (!(await acquireLease(accountId))) {
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
    let summary: SyncSummary;
    try {
      // Holding the lease, any sync of this account still "running" belongs to a process that died.
      await syncLogRepo.failInterruptedSyncs(db, accountId, startedAt);
      await syncLogRepo.insertSyncLog(db, { id: syncId, accountId, familyId: account.familyId, syncType: type, trigger, startedAt });
      try {
        if (account.state === 'reauth_required') throw new TempusError('invalid_grant', 'The Tempus connection must be renewed');
        if (!account.syncEnabled) throw new ConflictError('sync_disabled', 'Sync is turned off for this account.');
        const window = syncWindow(startedAt, config.window);
        const listed = type === 'incremental' ? window : reconcileWindow(window, await deps.calendar.latestEnd(db, { kind: 'tempus', id: accountId }));
        const fetched = await engine.fetchAll(account, type, listed, tokens.forSync(accountId, usage), usage);
        const row = await db.transaction(async (tx) => {
          const now = clock();
          const counts = await engine.apply(tx, account, syncId, type, fetched.items, listed, now);
          await accountsRepo.recordSyncSuccess(tx, accountId, {
            cursor: fetched.serverTime,
            now,
            full: type !== 'incremental',
            nextSyncAt: nextRegularSync(now, config.syncIntervalMs, random),
          });
          return syncLogRepo.finishSyncLog(tx, syncId, { status: 'succeeded', ...counts, requests: usage.requests, errorCode: null, errorMessage: null, finishedAt: now });
        });
        summary = toSummary(row);
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
    if (code === 'invalid_grant' || code === 'insufficient_scope') {
      await persist('mark reauth', () => tokensRepo.markReauthRequired(db, account.id, { code, message }, now));
      log.warn({ accountId: account.id, code }, 'Tempus connection needs to be renewed by the parent');
    } else if (code === 'sync_disabled') {
      // Turned off while the sync waited: nothing failed, so the account keeps its record.
      log.info({ accountId: account.id, syncId }, 'Tempus sync skipped: sync is turned off');
    } else {
      const nextSyncAt = nextRetry(now, account.consecutiveFailures + 1, random);
      await persist('record failure', () => accountsRepo.recordSyncFailure(db, account.id, { code, message, now, nextSyncAt }));
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

  /** The outcome of a sync that never got a log row (the account vanished, the database was away). */
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

  /** A sync never rejects: nobody may be awaiting it (a 202, the connect), and a rejection would end the process. */
  function safeRunSync(accountId: string, trigger: SyncTrigger, syncId: string): Promise<SyncSummary> {
    return runSync(accountId, trigger, syncId).catch((err: unknown) => {
      log.error({ err, accountId, syncId }, 'Tempus sync could not run');
      return orphanSummary(accountId, syncId, trigger, isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not run.');
    });
  }

  /**
   * Starts a sync of the account, or queues one right after the running one. At most one
   * waits: further asks join it, since it will see everything they would have.
   */
  function enqueue(accountId: string, trigger: SyncTrigger): QueuedSync {
    const slot = slots.get(accountId);
    if (!slot) {
      const id = randomUUID();
      const running = track(safeRunSync(accountId, trigger, id)).finally(() => advance(accountId));
      slots.set(accountId, { running });
      return { id, done: running };
    }
    if (slot.queued) return slot.queued;
    const id = randomUUID();
    const done = slot.running.catch(() => undefined).then(() => track(safeRunSync(accountId, trigger, id)));
    slot.queued = { id, done };
    return slot.queued;
  }

  function advance(accountId: string) {
    const slot = slots.get(accountId);
    if (!slot) return;
    if (slot.queued) {
      slot.running = slot.queued.done.finally(() => advance(accountId));
      delete slot.queued;
    } else {
      slots.delete(accountId);
    }
  }

  /**
   * One scheduler pass: claims due accounts in small batches (never the whole table) and
   * syncs them with bounded concurrency under the shared rate budget.
   */
  async function runDue(options: { onlyRetries?: boolean } = {}) {
    let claimed: string[] = [];
    let claiming: Promise<void> | undefined;
    let exhausted = false;
    let count = 0;

    async function nextId(): Promise<string | undefined> {
      while (claimed.length === 0 && !exhausted && !stopping) {
        claiming ??= (async () => {
          const now = clock();
          const ids = await db.transaction((tx) =>
            leasesRepo.claimDueAccounts(tx, instanceId, now, new Date(now.getTime() + LEASE_MS), config.concurrency, options.onlyRetries ?? false),
          );
          if (ids.length === 0) exhausted = true;
          claimed.push(...ids);
        })().finally(() => {
          claiming = undefined;
        });
        await claiming;
      }
      return claimed.shift();
    }

    await Promise.all(
      Array.from({ length: config.concurrency }, async () => {
        for (let id = await nextId(); id; id = await nextId()) {
          await enqueue(id, 'schedule').done;
          count++;
        }
      }),
    );
    // A claim the loop could not start (stopping) must not hold the account for a lease period.
    await Promise.all(claimed.map((id) => leasesRepo.releaseLease(db, id, instanceId)));
    claimed = [];
    return count;
  }

  /** Stops taking scheduled work and waits for what runs; an interrupted apply rolls back. */
  async function drain() {
    stopping = true;
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return { enqueue, runDue, drain };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;
