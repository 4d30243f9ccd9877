/**
 * The Tempus module's public face: what its routes and the scheduler call, one method per
 * request. It composes the rooms (connect, tokens, sync runner and queue, sync events,
 * revocations) and holds the account settings: status, turning sync on and off.
 */
import { randomUUID } from 'node:crypto';
import type { TempusAccount } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import { removeInBatches } from '../../db/bulk.js';
import type { Database, Db } from '../../db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../lib/errors.js';
import type { AuthUser } from '../accounts/types.js';
import type { AfterSync } from '../calendar/synced-changes.js';
import type { SyncedEvents } from '../calendar/synced-events.js';
import type { TempusApi } from './client.js';
import { createConnect } from './connect.js';
import type { TempusMetrics } from './metrics.js';
import * as accountsRepo from './repository/accounts.js';
import * as syncLogRepo from './repository/sync-log.js';
import { createSyncEngine } from './sync-engine.js';
import { createSyncEvents } from './sync-events.js';
import { DAY_MS } from './sync-policy.js';
import { createKeyRotation } from './key-rotation.js';
import { createRevocations } from './revocations.js';
import { createSyncQueue } from './sync-queue.js';
import { createSyncRunner } from './sync-runner.js';
import { toSummary } from './sync-summary.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import { createTokens } from './tokens.js';

const RECENT_SYNCS = 5;
/** Sync history (the log and its audit trail) is kept this long, then pruned daily. */
export const SYNC_HISTORY_RETENTION_MS = 90 * DAY_MS;
const PRUNE_BATCH = 5_000;

export interface TempusServiceConfig {
  windowPastDays: number;
  windowFutureDays: number;
  /** Background syncs of one account are at least this far apart. */
  minIntervalMs: number;
  /** The slowest cadence (TEMPUS_SYNC_CRON): every account is synced at least this often. */
  maxIntervalMs: number;
  concurrency: number;
}

/** Counts the manual syncs of one account, whichever parent asks and on whichever instance; refuses beyond the limit. */
export interface ManualSyncLimit {
  take(accountId: string): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }>;
}

export interface TempusServiceDeps {
  db: Db;
  database: Pick<Database, 'listen' | 'notify'>;
  api: TempusApi;
  cipher: TokenCipher;
  calendar: SyncedEvents;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  clock: () => Date;
  config: TempusServiceConfig;
  authorizeUrl: (params: { state: string; codeChallenge: string; scope: string }) => string;
  manualSyncLimit: ManualSyncLimit;
  instanceId?: string;
  random?: () => number;
  /** Told what each successful sync changed, after its commit. */
  afterSync?: AfterSync;
}

export type Caller = { kind: 'operator' } | { kind: 'member'; user: AuthUser };

export function createTempusService(deps: TempusServiceDeps) {
  const { db, api, cipher, calendar, metrics, log, clock, config } = deps;
  const instanceId = deps.instanceId ?? `${process.pid}-${randomUUID()}`;
  const random = deps.random ?? Math.random;

  const events = createSyncEvents({ db, database: deps.database, log, instanceId });
  const tokens = createTokens({ db, api, cipher, metrics, clock, instanceId });
  const runner = createSyncRunner({
    db,
    engine: createSyncEngine({ api, calendar }),
    tokens,
    events,
    calendar,
    metrics,
    log,
    clock,
    random,
    instanceId,
    ...(deps.afterSync && { afterSync: deps.afterSync }),
    config: { window: { pastDays: config.windowPastDays, futureDays: config.windowFutureDays }, minIntervalMs: config.minIntervalMs },
  });
  const queue = createSyncQueue({
    db,
    runner,
    clock,
    instanceId,
    config: { concurrency: config.concurrency, maxIntervalMs: config.maxIntervalMs, minIntervalMs: config.minIntervalMs },
  });
  const revocations = createRevocations({ db, api, cipher, log, clock, random });
  const keyRotation = createKeyRotation({ db, cipher, log, clock });
  const connect = createConnect({
    db,
    api,
    cipher,
    log,
    clock,
    authorizeUrl: deps.authorizeUrl,
    onConnected: (accountId) => void queue.enqueue(accountId, 'connect'),
  });

  /** The accounts a sync request covers: the one named, checked, or all that can sync. */
  async function syncTargets(caller: Caller, accountId: string | undefined): Promise<string[]> {
    if (accountId) {
      const account = caller.kind === 'operator'
        ? await accountsRepo.findAccountById(db, accountId)
        : await accountsRepo.findFamilyAccount(db, caller.user.familyId, accountId);
      if (!account) throw new NotFoundError('Tempus account not found.');
      // A paused account is left out of background syncing only: asked for by name, it syncs.
      if (account.state === 'reauth_required') {
        throw new ConflictError('reauth_required', 'The Tempus connection has expired. Connect the account again.');
      }
      return [account.id];
    }
    // Every account means every one that syncs by itself: paused ones are left out, and
    // those waiting for a reconnect could only fail.
    const targets = caller.kind === 'operator'
      ? await accountsRepo.listSyncableAccountIds(db)
      : (await accountsRepo.listFamilyAccounts(db, caller.user.familyId)).filter((a) => a.syncEnabled && a.state === 'active');
    return targets.map((t) => t.id);
  }

  /**
   * A sync asked for by a parent or an operator: started (or queued behind the running one)
   * for each account it covers; with `wait`, resolved once they have finished. Parents are
   * held to a few manual syncs per account per minute; operators are not.
   */
  async function requestSync(caller: Caller, accountId: string | undefined, options: { wait: boolean }) {
    const targets = await syncTargets(caller, accountId);
    if (caller.kind === 'member') {
      for (const target of targets) {
        const limit = await deps.manualSyncLimit.take(target);
        if (!limit.allowed) throw new TooManyRequestsError('Too many manual syncs of this account. Wait a minute.', limit.retryAfterSeconds);
      }
    }
    const trigger = caller.kind === 'operator' ? 'admin' : 'manual';
    const syncs = targets.map((id) => ({ accountId: id, ...queue.enqueue(id, trigger) }));
    if (options.wait) return { finished: await Promise.all(syncs.map((s) => s.done)) };
    return { started: syncs.map(({ id, accountId: target }) => ({ id, accountId: target })) };
  }

  async function ownedAccount(user: AuthUser, id: string) {
    const account = await accountsRepo.findFamilyAccount(db, user.familyId, id);
    if (!account) throw new NotFoundError('Tempus account not found.');
    if (account.userId !== user.id) throw new ForbiddenError('Only the parent who connected this account may change it.', 'not_owner');
    return account;
  }

  async function status(user: AuthUser): Promise<TempusAccount[]> {
    const [accounts, counts, syncs] = await Promise.all([
      accountsRepo.listFamilyAccounts(db, user.familyId),
      calendar.count(db, user.familyId, 'tempus'),
      syncLogRepo.recentSyncs(db, user.familyId, RECENT_SYNCS),
    ]);
    return accounts.map((a) => ({
      id: a.id,
      userId: a.userId,
      ownerName: a.ownerName,
      tempusUserId: a.tempusUserId,
      email: a.email,
      name: a.name,
      employer: a.employer,
      syncEnabled: a.syncEnabled,
      state: a.state,
      lastSyncAt: a.lastSyncAt?.toISOString() ?? null,
      lastSuccessAt: a.lastSuccessAt?.toISOString() ?? null,
      nextSyncAt: a.syncEnabled && a.state === 'active' ? (a.nextSyncAt?.toISOString() ?? null) : null,
      syncIntervalSeconds: Math.round(config.maxIntervalMs / 1000),
      lastError:
        a.lastErrorCode && a.lastErrorAt
          ? { code: a.lastErrorCode, message: a.lastErrorMessage ?? '', at: a.lastErrorAt.toISOString() }
          : null,
      eventCount: counts.get(a.id) ?? 0,
      recentSyncs: syncs.filter((s) => s.accountId === a.id).map(toSummary),
    }));
  }

  async function setSyncEnabled(user: AuthUser, id: string, enabled: boolean) {
    await ownedAccount(user, id);
    await accountsRepo.setSyncEnabled(db, user.familyId, id, enabled, clock());
    return (await status(user)).find((a) => a.id === id)!;
  }

  async function disconnect(user: AuthUser, id: string) {
    const account = await ownedAccount(user, id);
    await revocations.disconnect(user.familyId, account);
  }

  /** Deletes sync history older than the retention, in batches; returns how many syncs went. */
  async function pruneSyncHistory() {
    const cutoff = new Date(clock().getTime() - SYNC_HISTORY_RETENTION_MS);
    return removeInBatches(PRUNE_BATCH, (batch) => syncLogRepo.deleteSyncsStartedBefore(db, cutoff, batch));
  }

  async function countAccountsByState() {
    const rows = await accountsRepo.countAccountsByState(db);
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  return {
    startConnect: connect.start,
    completeConnect: connect.complete,
    status,
    setSyncEnabled,
    disconnect,
    requestSync,
    openSyncStream: (user: AuthUser, lastEventId: string | undefined) => events.openFamilyStream(user.familyId, lastEventId),
    followOtherInstances: events.followOtherInstances,
    runDueSyncs: queue.runDue,
    nextDueAt: queue.nextDueAt,
    processPendingRevocations: revocations.processOwed,
    pruneSyncHistory,
    countAccountsByState,
    reencryptStaleTokens: keyRotation.reencryptStale,
    countTokensByKeyVersion: keyRotation.countByKeyVersion,
    /** Calls running syncs off and waits until each has committed or rolled back. */
    async drain() {
      await queue.drain();
    },
  };
}

export type TempusService = ReturnType<typeof createTempusService>;
