/**
 * Which sync runs when. Per account, one at a time in this process: a second ask is queued
 * right behind the running one and further asks join it. Across accounts, two lanes with
 * the same bound: interactive syncs (a connect's first sync, "Synka nu") never wait behind
 * background ones (the pacer's passes, an operator's syncs). A "Synka nu" has a deadline,
 * so whoever waits for it hears back within seconds whatever Tempus does. Closing calls
 * every running sync off: each either commits or rolls back, never half-applies.
 */
import { randomUUID } from 'node:crypto';
import type { SyncSummary } from '@familyhub/shared';
import pLimit from 'p-limit';
import type { Db } from '../../db/client.js';
import type { Lane } from './rate-budget.js';
import * as leasesRepo from './repository/account-leases.js';
import { LEASE_MS, type SyncRunner } from './sync-runner.js';
import { SHIFT_SOON_MS } from './sync-policy.js';
import { TempusError, type SyncTrigger } from './types.js';

/** A manual sync gives up this long after it was asked for, so `?wait=true` answers within 15 s. */
export const MANUAL_DEADLINE_MS = 12_000;

export interface QueuedSync {
  id: string;
  done: Promise<SyncSummary>;
}

interface Pending extends QueuedSync {
  trigger: SyncTrigger;
  lane: Lane;
  /** Set for manual syncs: when the sync stops being worth waiting for. */
  deadline?: number;
  timer?: NodeJS.Timeout;
  settled: boolean;
  settle(summary: SyncSummary): void;
}

export interface SyncQueueDeps {
  db: Db;
  runner: SyncRunner;
  clock: () => Date;
  instanceId: string;
  config: {
    /** Syncs running at once per lane in this process. */
    concurrency: number;
    /** The slowest cadence: accounts not synced for this long go first. */
    maxIntervalMs: number;
    /** The minimum interval between background syncs: the head start of accounts with a shift soon. */
    minIntervalMs: number;
  };
}

const laneOf = (trigger: SyncTrigger): Lane => (trigger === 'connect' || trigger === 'manual' ? 'interactive' : 'background');

export function createSyncQueue({ db, runner, clock, instanceId, config }: SyncQueueDeps) {
  const lanes = { interactive: pLimit(config.concurrency), background: pLimit(config.concurrency) };
  const slots = new Map<string, { running: Promise<void>; queued?: Pending }>();
  const inFlight = new Set<Promise<unknown>>();
  const shutdown = new AbortController();

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  function pending(accountId: string, trigger: SyncTrigger): Pending {
    let settle!: (summary: SyncSummary) => void;
    const done = new Promise<SyncSummary>((resolve) => (settle = resolve));
    const entry: Pending = {
      id: randomUUID(),
      trigger,
      lane: laneOf(trigger),
      done,
      settled: false,
      settle(summary) {
        if (entry.settled) return;
        entry.settled = true;
        clearTimeout(entry.timer);
        settle(summary);
      },
    };
    if (trigger === 'manual') {
      entry.deadline = Date.now() + MANUAL_DEADLINE_MS;
      // Still waiting (behind this account's running sync, or for a free slot) at the deadline: given up.
      entry.timer = setTimeout(() => entry.settle(gaveUp(accountId, entry)), MANUAL_DEADLINE_MS);
      entry.timer.unref();
    }
    return entry;
  }

  function gaveUp(accountId: string, entry: Pending) {
    return runner.orphanSummary(accountId, entry.id, entry.trigger, 'timeout', 'Tempus or this account stayed busy; the sync did not start in time.');
  }

  async function execute(accountId: string, entry: Pending) {
    if (entry.settled) return;
    clearTimeout(entry.timer);
    const left = entry.deadline === undefined ? undefined : entry.deadline - Date.now();
    if (shutdown.signal.aborted || (left !== undefined && left <= 0)) return entry.settle(gaveUp(accountId, entry));
    const deadline = left === undefined ? undefined : AbortSignal.timeout(left);
    const signal = deadline ? AbortSignal.any([shutdown.signal, deadline]) : shutdown.signal;
    entry.settle(await runner.run(accountId, entry.trigger, entry.id, entry.lane, signal));
  }

  function start(accountId: string, entry: Pending): Promise<void> {
    return track(lanes[entry.lane](() => execute(accountId, entry))).finally(() => advance(accountId));
  }

  function advance(accountId: string) {
    const slot = slots.get(accountId);
    if (!slot) return;
    const next = slot.queued;
    if (next) {
      delete slot.queued;
      slot.running = start(accountId, next);
    } else {
      slots.delete(accountId);
    }
  }

  /**
   * Starts a sync of the account, or queues one right after the running one. At most one
   * waits: further asks join it, since it will see everything they would have.
   */
  function enqueue(accountId: string, trigger: SyncTrigger): QueuedSync {
    const slot = slots.get(accountId);
    if (!slot) {
      const entry = pending(accountId, trigger);
      slots.set(accountId, { running: start(accountId, entry) });
      return entry;
    }
    if (slot.queued && !slot.queued.settled) return slot.queued;
    const entry = pending(accountId, trigger);
    slot.queued = entry;
    return entry;
  }

  /**
   * One background pass: claims due accounts in small batches (never the whole table), the
   * most urgent first, and syncs them in the background lane under the shared budget.
   * Returns how many it synced.
   */
  async function runDue() {
    let claimed: string[] = [];
    let claiming: Promise<void> | undefined;
    let exhausted = false;
    let count = 0;

    async function nextId(): Promise<string | undefined> {
      while (claimed.length === 0 && !exhausted && !shutdown.signal.aborted) {
        claiming ??= (async () => {
          const now = clock();
          const order = {
            overdueBefore: new Date(now.getTime() - config.maxIntervalMs),
            shiftSoonBefore: new Date(now.getTime() + SHIFT_SOON_MS),
            shiftSoonHeadStartMs: config.minIntervalMs,
          };
          const ids = await db.transaction((tx) =>
            leasesRepo.claimDueAccounts(tx, instanceId, now, new Date(now.getTime() + LEASE_MS), config.concurrency, order),
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
    // A claim the loop could not start (closing) must not hold the account for a lease period.
    await Promise.all(claimed.map((id) => leasesRepo.releaseLease(db, id, instanceId)));
    claimed = [];
    return count;
  }

  /** Calls every running sync off and waits until each has committed or rolled back. */
  async function drain() {
    shutdown.abort(new TempusError('interrupted', 'The API stopped before the sync finished'));
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return { enqueue, runDue, drain, nextDueAt: () => leasesRepo.nextDueAt(db) };
}

export type SyncQueue = ReturnType<typeof createSyncQueue>;
