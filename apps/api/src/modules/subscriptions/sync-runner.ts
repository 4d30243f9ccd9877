/**
 * Running subscription syncs: one at a time per subscription in this process, one process
 * at a time per subscription across instances (a lease renewed while the sync runs, freed
 * within LEASE_MS if the process dies), every sync logged with its outcome, failures backed
 * off like Tempus syncs (lib/backoff.ts), and the scheduler's passes over due subscriptions.
 * A failed fetch or parse changes no event: the last good ones stay.
 */
import { randomUUID } from 'node:crypto';
import type { SubscriptionSync } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { nextRetry } from '../../lib/backoff.js';
import { isDatabaseDown } from '../../lib/database-errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import { handOn, type AfterSync, type SyncedChanges } from '../calendar/synced-changes.js';
import { FeedError } from './feed-errors.js';
import * as leasesRepo from './repository/leases.js';
import * as subscriptionsRepo from './repository/subscriptions.js';
import * as syncLogRepo from './repository/sync-log.js';
import type { SyncEngine } from './sync-engine.js';

const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const LEASE_WAIT_MS = 30_000;

export interface SyncRunnerDeps {
  db: Db;
  engine: SyncEngine;
  cipher: TokenCipher;
  log: FastifyBaseLogger;
  clock: () => Date;
  random: () => number;
  instanceId: string;
  config: { syncIntervalMs: number; concurrency: number };
  onFinished?: (outcome: { status: 'succeeded' | 'failed'; seconds: number }) => void;
  /** Told what each successful sync changed, after its commit (notifications); never awaited. */
  afterSync?: AfterSync;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Due again one interval on, up to a tenth earlier, so subscriptions made together spread out. */
export function nextRegularSync(now: Date, intervalMs: number, random: () => number): Date {
  return new Date(now.getTime() + intervalMs * (0.9 + 0.1 * random()));
}

export function failure(code: string, message: string): SubscriptionSync {
  return { status: 'failed', notModified: false, created: 0, updated: 0, deleted: 0, error: { code, message } };
}

export function createSyncRunner(deps: SyncRunnerDeps) {
  const { db, engine, cipher, log, clock, random, instanceId, config } = deps;
  const oneAtATime = createKeyedQueue();
  const inFlight = new Set<Promise<unknown>>();
  let stopping = false;

  async function acquireLease(id: string): Promise<boolean> {
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (;;) {
      const now = clock();
      if (await leasesRepo.acquireLease(db, id, instanceId, now, new Date(now.getTime() + LEASE_MS))) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  }

  async function runSync(id: string, trigger: syncLogRepo.SyncTrigger): Promise<SubscriptionSync> {
    const subscription = await subscriptionsRepo.findSubscriptionById(db, id);
    if (!subscription) return failure('not_found', 'The subscription no longer exists.');
    if (!(await acquireLease(id))) return failure('busy', 'Another process kept this subscription busy; try again.');
    const heartbeat = setInterval(() => {
      const now = clock();
      leasesRepo.acquireLease(db, id, instanceId, now, new Date(now.getTime() + LEASE_MS)).catch(() => undefined);
    }, LEASE_RENEW_MS);
    heartbeat.unref();
    const started = performance.now();
    const syncId = randomUUID();
    let result: SubscriptionSync;
    try {
      const startedAt = clock();
      await syncLogRepo.failInterruptedSyncs(db, id, startedAt);
      await syncLogRepo.insertSyncLog(db, { id: syncId, subscriptionId: id, familyId: subscription.familyId, trigger, startedAt });
      try {
        const read = await engine.read(new URL(cipher.decrypt(subscription.urlEnc)), subscription, startedAt);
        let applied: SyncedChanges | undefined;
        result = await db.transaction(async (tx) => {
          const now = clock();
          const nextSyncAt = nextRegularSync(now, config.syncIntervalMs, random);
          if (read.kind === 'not_modified') {
            await subscriptionsRepo.recordSyncSuccess(tx, id, { now, nextSyncAt });
            await syncLogRepo.finishSyncLog(tx, syncId, succeeded(now, { fetched: 0, created: 0, updated: 0, deleted: 0 }, true));
            return { status: 'succeeded', notModified: true, created: 0, updated: 0, deleted: 0, error: null };
          }
          const { counts, changes } = await engine.apply(tx, subscription, syncId, read.feed.occurrences, read.window, now);
          applied = { familyId: subscription.familyId, ownerUserId: subscription.userId, source: { kind: 'ics', id }, changes };
          await subscriptionsRepo.recordSyncSuccess(tx, id, { now, nextSyncAt, validators: { ...read.validators, contentKey: read.contentKey } });
          await syncLogRepo.finishSyncLog(tx, syncId, succeeded(now, counts, false));
          return { status: 'succeeded', notModified: false, created: counts.created, updated: counts.updated, deleted: counts.deleted, error: null };
        });
        if (applied) handOn(deps.afterSync, applied, (err) => log.error({ err, subscriptionId: id, syncId }, 'could not hand on what the sync changed'));
      } catch (err) {
        result = await recordFailure(subscription, syncId, err);
      }
    } catch (err) {
      log.error({ err, subscriptionId: id }, 'could not start the subscription sync');
      result = failure(isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not be started.');
    } finally {
      clearInterval(heartbeat);
      await leasesRepo.releaseLease(db, id, instanceId).catch((err: unknown) => log.error({ err, subscriptionId: id }, 'could not release subscription lease'));
    }
    const seconds = (performance.now() - started) / 1000;
    deps.onFinished?.({ status: result.status, seconds });
    // The host may be shown; the rest of the URL is its owner's secret.
    if (result.error) log.warn({ subscriptionId: id, syncId, trigger, host: subscription.urlHost, code: result.error.code, reason: result.error.message }, 'subscription sync failed');
    else log.info({ subscriptionId: id, syncId, trigger, host: subscription.urlHost, notModified: result.notModified, created: result.created, updated: result.updated, deleted: result.deleted }, 'subscription sync succeeded');
    return result;
  }

  async function recordFailure(subscription: subscriptionsRepo.SubscriptionRow, syncId: string, err: unknown): Promise<SubscriptionSync> {
    const now = clock();
    const known = err instanceof FeedError;
    const down = !known && isDatabaseDown(err);
    const code = known ? err.code : down ? 'database_unavailable' : 'internal_error';
    const message = known ? err.message : down ? 'The database was unavailable during the sync.' : 'The sync failed unexpectedly.';
    if (code === 'internal_error') log.error({ err, subscriptionId: subscription.id, syncId }, 'subscription sync failed unexpectedly');
    const nextSyncAt = nextRetry(now, subscription.consecutiveFailures + 1, random);
    try {
      await subscriptionsRepo.recordSyncFailure(db, subscription.id, { code, message, now, nextSyncAt });
      await syncLogRepo.finishSyncLog(db, syncId, {
        status: 'failed',
        notModified: false,
        fetched: 0,
        created: 0,
        updated: 0,
        deleted: 0,
        errorCode: code,
        errorMessage: message,
        finishedAt: now,
      });
    } catch (recordErr) {
      log.error({ err: recordErr, subscriptionId: subscription.id, syncId }, 'could not record the failed subscription sync');
    }
    return failure(code, message);
  }

  /** Syncs the subscription now, after any sync of it that runs or waits in this process. Never rejects. */
  function sync(id: string, trigger: syncLogRepo.SyncTrigger): Promise<SubscriptionSync> {
    const run = oneAtATime(id, () => runSync(id, trigger)).catch((err: unknown) => {
      log.error({ err, subscriptionId: id }, 'subscription sync could not run');
      return failure(isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not run.');
    });
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
    return run;
  }

  /** One scheduler pass: claims due subscriptions in small batches and syncs them with bounded concurrency. */
  async function runDue(): Promise<number> {
    let count = 0;
    const worker = async () => {
      while (!stopping) {
        const now = clock();
        const [id] = await db.transaction((tx) => leasesRepo.claimDueSubscriptions(tx, instanceId, now, new Date(now.getTime() + LEASE_MS), 1));
        if (!id) return;
        await sync(id, 'schedule');
        count++;
      }
    };
    await Promise.all(Array.from({ length: config.concurrency }, worker));
    return count;
  }

  /** Stops taking scheduled work and waits for what runs; an interrupted apply rolls back. */
  async function drain() {
    stopping = true;
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return { sync, runDue, drain };
}

export type SyncRunner = ReturnType<typeof createSyncRunner>;

function succeeded(now: Date, counts: { fetched: number; created: number; updated: number; deleted: number }, notModified: boolean): syncLogRepo.SyncOutcome {
  return { status: 'succeeded', notModified, ...counts, errorCode: null, errorMessage: null, finishedAt: now };
}
