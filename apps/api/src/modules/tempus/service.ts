/**
 * The rules of the Tempus integration: connecting (OAuth with PKCE and a single-use state
 * bound to the parent's session), tokens (refreshed once, under a lock, by one process),
 * syncs (one at a time per account, queued, logged, announced) and the scheduler's work.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { SyncSummary, TempusAccount } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import type { Db, DbOrTx } from '../../db/client.js';
import { isDatabaseDown } from '../../lib/database-errors.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import type { AuthUser } from '../accounts/types.js';
import type { TempusApi } from './client.js';
import type { TempusMetrics } from './metrics.js';
import * as repo from './repository.js';
import { createSyncEngine, type AccessTokens, type SyncWindow } from './sync-engine.js';
import type { TokenCipher } from './token-crypto.js';
import { TempusError, type SyncTrigger, type SyncType } from './types.js';

const DAY_MS = 86_400_000;
const TOKEN_REFRESH_MARGIN_MS = 60_000;
const OAUTH_STATE_TTL_MS = 10 * 60_000;
/** A sync's lease is short and renewed while it runs, so a killed process frees its accounts within LEASE_MS. */
const LEASE_MS = 30_000;
const LEASE_RENEW_MS = 10_000;
const LEASE_WAIT_MS = 120_000;
/** How long the outcome of a sync is retried when the database is away as it ends. */
const RECORD_RETRY_MS = [250, 500, 1_000, 2_000, 5_000, 10_000];
const FULL_SYNC_EVERY_MS = DAY_MS;
const MAX_FAILURE_BACKOFF_MS = 6 * 3_600_000;
const RECENT_SYNCS = 5;
/** Sync history (the log and its audit trail) is kept this long, then pruned daily. */
export const SYNC_HISTORY_RETENTION_MS = 90 * DAY_MS;
const PRUNE_BATCH = 5_000;
const SCOPES = 'schedules:read profile:read';
/** The longest `from`–`to` window Tempus lists. */
const MAX_LISTING_MS = 400 * DAY_MS;
/** The channel on which each process tells the others that one of its syncs finished. */
const SYNC_CHANNEL = 'familyhub_tempus_sync';

export interface TempusServiceConfig {
  windowPastDays: number;
  windowFutureDays: number;
  /** How long after a successful sync an account is due again (from the cron schedule). */
  syncIntervalMs: number;
  concurrency: number;
  webOrigin: string;
}

export interface TempusServiceDeps {
  db: Db;
  /** PGlite is one process by construction, so there a process-local lock is the whole lock. */
  dbKind: 'postgres' | 'pglite';
  api: TempusApi;
  cipher: TokenCipher;
  metrics: TempusMetrics;
  log: FastifyBaseLogger;
  clock: () => Date;
  config: TempusServiceConfig;
  authorizeUrl: (params: { state: string; codeChallenge: string; scope: string }) => string;
  /** LISTEN on the database, so that syncs finished by other processes are announced here too. */
  listen: (channel: string, onNotify: (payload: string) => void) => Promise<() => Promise<void>>;
  instanceId?: string;
  random?: () => number;
}

export interface SyncEventPayload {
  familyId: string;
  sync: SyncSummary;
  /** Whether this process ran the sync (otherwise another instance did, and it was relayed). */
  local: boolean;
}

type Caller = { kind: 'operator' } | { kind: 'member'; user: AuthUser };

/**
 * Refreshes in flight in this process, by account. Module-wide rather than per service so
 * that, on embedded PGlite (one process by construction), it is the whole lock.
 */
const refreshes = new Map<string, Promise<string>>();

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createTempusService(deps: TempusServiceDeps) {
  const { db, api, cipher, metrics, log, clock, config } = deps;
  const instanceId = deps.instanceId ?? `${process.pid}-${randomUUID()}`;
  const random = deps.random ?? Math.random;
  const engine = createSyncEngine({ db, api });
  const events = new EventEmitter<{ sync: [SyncEventPayload] }>();
  events.setMaxListeners(0);

  const slots = new Map<string, { running: Promise<SyncSummary>; queued?: { id: string; done: Promise<SyncSummary> } }>();
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

  // ---- Connect

  async function startConnect(user: AuthUser, sessionToken: string) {
    const state = randomBytes(32).toString('base64url');
    const verifier = randomBytes(48).toString('base64url');
    const codeChallenge = createHash('sha256').update(verifier).digest('base64url');
    await repo.deleteExpiredOauthStates(db, clock());
    await repo.insertOauthState(db, {
      stateHash: sha256(state),
      sessionId: sha256(sessionToken),
      userId: user.id,
      familyId: user.familyId,
      codeVerifierEnc: cipher.encrypt(verifier),
      expiresAt: new Date(clock().getTime() + OAUTH_STATE_TTL_MS),
    });
    return deps.authorizeUrl({ state, codeChallenge, scope: SCOPES });
  }

  /** Finishes the OAuth dance and returns where to send the browser. */
  async function completeConnect(query: { code?: string; state?: string; error?: string }, sessionToken: string | undefined) {
    const settings = (params: Record<string, string>) => `${config.webOrigin}/settings/tempus?${new URLSearchParams(params)}`;
    const pending = query.state ? await repo.takeOauthState(db, sha256(query.state), clock()) : undefined;
    // The state is spent above whatever happens next, so a replay can never succeed.
    if (!pending || !sessionToken || sha256(sessionToken) !== pending.sessionId) {
      log.warn('Tempus callback refused: unknown, expired, replayed or foreign state');
      return settings({ error: 'invalid_state' });
    }
    if (query.error) return settings({ error: query.error === 'access_denied' ? 'access_denied' : 'exchange_failed' });
    if (!query.code) return settings({ error: 'exchange_failed' });

    let tokens;
    try {
      tokens = await api.exchangeCode(query.code, cipher.decrypt(pending.codeVerifierEnc));
    } catch (err) {
      log.warn({ code: (err as TempusError).code }, 'Tempus code exchange failed');
      return settings({ error: 'exchange_failed' });
    }
    let profile;
    try {
      profile = await api.profile(tokens.accessToken);
    } catch (err) {
      log.warn({ code: (err as TempusError).code }, 'Tempus profile could not be read');
      return settings({ error: 'profile_failed' });
    }
    const accountId = await repo.upsertAccount(db, {
      familyId: pending.familyId,
      userId: pending.userId,
      tempusUserId: profile.id,
      email: profile.email,
      name: profile.name,
      employer: profile.employer,
      timezone: profile.timezone,
      accessTokenEnc: cipher.encrypt(tokens.accessToken),
      refreshTokenEnc: tokens.refreshToken ? cipher.encrypt(tokens.refreshToken) : null,
      tokenExpiresAt: tokens.expiresAt,
      scopes: tokens.scope ?? SCOPES,
      now: clock(),
    });
    log.info({ accountId }, 'Tempus account connected');
    enqueueSync(accountId, 'connect');
    return settings({ connected: accountId });
  }

  // ---- Tokens

  async function withTokenLock<T>(accountId: string, fn: (db: DbOrTx) => Promise<T>): Promise<T> {
    if (deps.dbKind === 'pglite') return fn(db);
    return db.transaction(async (tx) => fn(tx));
  }

  /**
   * Refreshes the access token at most once at a time per account: in-process callers share
   * one promise, and other processes wait on the row lock and then find the token replaced.
   * `stale` is the token the caller found unusable (expiring, or refused with 401).
   */
  function refreshAccessToken(accountId: string, stale: string | null, onRefresh: () => void): Promise<string> {
    const pending = refreshes.get(accountId);
    if (pending) return pending;
    const promise = withTokenLock(accountId, async (tx) => {
      const row = deps.dbKind === 'postgres' ? await repo.lockTokens(tx, accountId) : await repo.readTokens(tx, accountId);
      if (!row?.refreshTokenEnc || row.state === 'reauth_required') {
        throw new TempusError('invalid_grant', 'The Tempus connection has no valid refresh token');
      }
      const current = row.accessTokenEnc ? cipher.decrypt(row.accessTokenEnc) : null;
      // Another process refreshed while we waited for the lock: use its token.
      if (current && current !== stale) return current;
      onRefresh();
      try {
        const set = await api.refresh(cipher.decrypt(row.refreshTokenEnc));
        await repo.saveTokens(tx, accountId, {
          accessTokenEnc: cipher.encrypt(set.accessToken),
          refreshTokenEnc: set.refreshToken ? cipher.encrypt(set.refreshToken) : row.refreshTokenEnc,
          tokenExpiresAt: set.expiresAt,
          now: clock(),
        });
        metrics.tokenRefreshes.inc({ result: 'ok' });
        return set.accessToken;
      } catch (err) {
        metrics.tokenRefreshes.inc({ result: err instanceof TempusError ? err.code : 'error' });
        throw err;
      }
    }).finally(() => refreshes.delete(accountId));
    refreshes.set(accountId, promise);
    return promise;
  }

  function accessTokens(accountId: string, onRefresh: () => void): AccessTokens {
    return {
      async current() {
        const row = await repo.readTokens(db, accountId);
        if (!row || row.state === 'reauth_required') throw new TempusError('invalid_grant', 'The Tempus connection must be renewed');
        const token = row.accessTokenEnc ? cipher.decrypt(row.accessTokenEnc) : null;
        const fresh = row.tokenExpiresAt && row.tokenExpiresAt.getTime() > clock().getTime() + TOKEN_REFRESH_MARGIN_MS;
        if (token && fresh) return token;
        return refreshAccessToken(accountId, token, onRefresh);
      },
      refresh: (rejected) => refreshAccessToken(accountId, rejected, onRefresh),
    };
  }

  // ---- Syncs

  function syncWindow(now: Date): SyncWindow {
    return {
      from: new Date(now.getTime() - config.windowPastDays * DAY_MS),
      to: new Date(now.getTime() + config.windowFutureDays * DAY_MS),
    };
  }

  /**
   * A full listing also reaches ahead to the account's latest event in the calendar (shifts
   * beyond the window arrive through incremental syncs), so that one deleted out there after
   * its tombstone expired is still found missing and removed.
   */
  async function reconcileWindow(accountId: string, now: Date): Promise<SyncWindow> {
    const window = syncWindow(now);
    const latest = await repo.latestEventEnd(db, accountId);
    if (!latest || latest <= window.to) return window;
    return { from: window.from, to: new Date(Math.min(latest.getTime(), window.from.getTime() + MAX_LISTING_MS)) };
  }

  function syncTypeFor(account: repo.AccountRow, now: Date): SyncType {
    if (!account.syncCursor) return 'initial';
    if (!account.lastFullSyncAt || now.getTime() - account.lastFullSyncAt.getTime() >= FULL_SYNC_EVERY_MS) return 'full';
    return 'incremental';
  }

  function nextRegularSync(now: Date) {
    // Due again before the next scheduler tick, spread so a fleet does not line up.
    return new Date(now.getTime() + config.syncIntervalMs * (0.75 + 0.15 * random()));
  }

  function nextRetry(now: Date, failures: number) {
    const base = Math.min(60_000 * 2 ** failures, MAX_FAILURE_BACKOFF_MS);
    return new Date(now.getTime() + base * (0.8 + 0.4 * random()));
  }

  async function acquireLease(accountId: string) {
    const deadline = Date.now() + LEASE_WAIT_MS;
    for (;;) {
      const now = clock();
      if (await repo.acquireLease(db, accountId, instanceId, now, new Date(now.getTime() + LEASE_MS))) return true;
      if (Date.now() > deadline) return false;
      await sleep(250);
    }
  }

  async function runSync(accountId: string, trigger: SyncTrigger, syncId: string): Promise<SyncSummary> {
    const account = await repo.findAccountById(db, accountId);
    if (!account) return orphanSummary(accountId, syncId, trigger, 'not_found', 'The Tempus account no longer exists.');
    if (!(await acquireLease(accountId))) {
      return orphanSummary(accountId, syncId, trigger, 'busy', 'Another process kept this account busy; try again.');
    }
    // Renewed while the sync runs; a process that dies stops renewing and frees the account.
    const heartbeat = setInterval(() => {
      const now = clock();
      repo.acquireLease(db, accountId, instanceId, now, new Date(now.getTime() + LEASE_MS)).catch(() => undefined);
    }, LEASE_RENEW_MS);
    heartbeat.unref();
    const startedAt = clock();
    const started = performance.now();
    const type = syncTypeFor(account, startedAt);
    let requests = 0;
    let summary: SyncSummary;
    try {
      // Holding the lease, any sync of this account still "running" belongs to a process that died.
      await repo.failInterruptedSyncs(db, accountId, startedAt);
      await repo.insertSyncLog(db, { id: syncId, accountId, familyId: account.familyId, syncType: type, trigger, startedAt });
      try {
        if (account.state === 'reauth_required') throw new TempusError('invalid_grant', 'The Tempus connection must be renewed');
        if (!account.syncEnabled) throw new ConflictError('sync_disabled', 'Sync is turned off for this account.');
        const window = type === 'incremental' ? syncWindow(startedAt) : await reconcileWindow(accountId, startedAt);
        const fetched = await engine.fetchAll(account, type, window, accessTokens(accountId, () => requests++));
        requests += fetched.requests;
        const row = await db.transaction(async (tx) => {
          const now = clock();
          const counts = await engine.apply(tx, account, syncId, type, fetched.items, window, now);
          await repo.recordSyncSuccess(tx, accountId, {
            cursor: fetched.serverTime,
            now,
            full: type !== 'incremental',
            nextSyncAt: nextRegularSync(now),
          });
          return repo.finishSyncLog(tx, syncId, { status: 'succeeded', ...counts, requests, errorCode: null, errorMessage: null, finishedAt: now });
        });
        summary = toSummary(row);
        log.info({ accountId, syncId, type, trigger, ...pickCounts(summary), requests }, 'Tempus sync succeeded');
      } catch (err) {
        summary = await recordFailure(account, syncId, err, requests).catch((recordErr: unknown) => {
          log.error({ err: recordErr, accountId, syncId }, 'could not record the failed sync');
          return orphanSummary(accountId, syncId, trigger, 'database_unavailable', 'The database was unavailable when the sync ended.');
        });
      }
    } catch (err) {
      log.error({ err, accountId, syncId }, 'could not start the sync');
      summary = orphanSummary(accountId, syncId, trigger, isDatabaseDown(err) ? 'database_unavailable' : 'internal_error', 'The sync could not be started.');
    } finally {
      clearInterval(heartbeat);
      await persist('release lease', () => repo.releaseLease(db, accountId, instanceId)).catch((err: unknown) =>
        log.error({ err, accountId }, 'could not release sync lease'),
      );
    }
    metrics.syncs.inc({ type, status: summary.status });
    metrics.syncDuration.observe({ type, status: summary.status }, (performance.now() - started) / 1000);
    announce(account.familyId, summary);
    return summary;
  }

  /** Tells this process's event streams at once, and the other processes through the database. */
  function announce(familyId: string, sync: SyncSummary) {
    events.emit('sync', { familyId, sync, local: true });
    const payload = JSON.stringify({ origin: instanceId, familyId, syncId: sync.id });
    repo.notify(db, SYNC_CHANNEL, payload).catch((err: unknown) => log.warn({ err, syncId: sync.id }, 'could not announce a finished sync to other instances'));
  }

  /** Relays the syncs other processes finish to this process's event streams, until stopped. */
  function followOtherInstances() {
    return deps.listen(SYNC_CHANNEL, (payload) => {
      const note = parseAnnouncement(payload);
      if (!note || note.origin === instanceId || events.listenerCount('sync') === 0) return;
      repo
        .findSyncLog(db, note.familyId, note.syncId)
        .then((row) => {
          if (row) events.emit('sync', { familyId: note.familyId, sync: toSummary(row), local: false });
        })
        .catch((err: unknown) => log.warn({ err, syncId: note.syncId }, 'could not relay a sync finished by another instance'));
    });
  }

  async function recordFailure(account: repo.AccountRow, syncId: string, err: unknown, requests: number): Promise<SyncSummary> {
    const now = clock();
    const known = err instanceof TempusError || err instanceof ConflictError;
    const down = !known && isDatabaseDown(err);
    const code = known ? err.code : down ? 'database_unavailable' : 'internal_error';
    const message = known ? err.message : down ? 'The database was unavailable during the sync.' : 'The sync failed unexpectedly.';
    if (code === 'invalid_grant' || code === 'insufficient_scope') {
      await persist('mark reauth', () => repo.markReauthRequired(db, account.id, { code, message }, now));
      log.warn({ accountId: account.id, code }, 'Tempus connection needs to be renewed by the parent');
    } else if (code === 'sync_disabled') {
      // Turned off while the sync waited: nothing failed, so the account keeps its record.
      log.info({ accountId: account.id, syncId }, 'Tempus sync skipped: sync is turned off');
    } else {
      await persist('record failure', () => repo.recordSyncFailure(db, account.id, { code, message, now, nextSyncAt: nextRetry(now, account.consecutiveFailures + 1) }));
      if (code === 'internal_error') log.error({ err, accountId: account.id, syncId }, 'Tempus sync failed unexpectedly');
      else log.warn({ accountId: account.id, syncId, code, reason: message }, 'Tempus sync failed');
    }
    const row = await persist('finish sync log', () => repo.finishSyncLog(db, syncId, {
      status: 'failed',
      fetched: 0,
      created: 0,
      updated: 0,
      deleted: 0,
      requests,
      errorCode: code,
      errorMessage: message,
      finishedAt: now,
    }));
    return toSummary(row);
  }

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
  function enqueueSync(accountId: string, trigger: SyncTrigger): { id: string; done: Promise<SyncSummary> } {
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

  /** The accounts a sync request covers: the one named, checked, or all that can sync. */
  async function syncTargets(caller: Caller, accountId: string | undefined): Promise<string[]> {
    let targets: { id: string }[];
    if (accountId) {
      const account = caller.kind === 'operator'
        ? await repo.findAccountById(db, accountId)
        : await repo.findFamilyAccount(db, caller.user.familyId, accountId);
      if (!account) throw new NotFoundError('Tempus account not found.');
      if (!account.syncEnabled) throw new ConflictError('sync_disabled', 'Sync is turned off for this account. Turn it on first.');
      if (account.state === 'reauth_required') {
        throw new ConflictError('reauth_required', 'The Tempus connection has expired. Connect the account again.');
      }
      targets = [account];
    } else {
      // Accounts turned off or waiting for a reconnect are skipped: a sync of them could only fail.
      targets = caller.kind === 'operator'
        ? await repo.listSyncableAccountIds(db)
        : (await repo.listFamilyAccounts(db, caller.user.familyId)).filter((a) => a.syncEnabled && a.state === 'active');
    }
    return targets.map((t) => t.id);
  }

  function startSyncs(accountIds: string[], trigger: SyncTrigger) {
    return accountIds.map((accountId) => ({ accountId, ...enqueueSync(accountId, trigger) }));
  }

  /**
   * One scheduler pass: claims due accounts in small batches (never the whole table) and
   * syncs them with bounded concurrency under the shared rate budget.
   */
  async function runDueSyncs(options: { onlyRetries?: boolean } = {}) {
    let claimed: string[] = [];
    let claiming: Promise<void> | undefined;
    let exhausted = false;
    let count = 0;

    async function nextId(): Promise<string | undefined> {
      while (claimed.length === 0 && !exhausted && !stopping) {
        claiming ??= (async () => {
          const now = clock();
          const ids = await db.transaction((tx) =>
            repo.claimDueAccounts(tx, instanceId, now, new Date(now.getTime() + LEASE_MS), config.concurrency, options.onlyRetries ?? false),
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
          await enqueueSync(id, 'schedule').done;
          count++;
        }
      }),
    );
    // A claim the loop could not start (stopping) must not hold the account for a lease period.
    await Promise.all(claimed.map((id) => repo.releaseLease(db, id, instanceId)));
    claimed = [];
    return count;
  }

  // ---- Settings, status, disconnect

  async function ownedAccount(user: AuthUser, id: string) {
    const account = await repo.findFamilyAccount(db, user.familyId, id);
    if (!account) throw new NotFoundError('Tempus account not found.');
    if (account.userId !== user.id) throw new ForbiddenError('Only the parent who connected this account may change it.', 'not_owner');
    return account;
  }

  async function status(user: AuthUser): Promise<TempusAccount[]> {
    const [accounts, counts, syncs] = await Promise.all([
      repo.listFamilyAccounts(db, user.familyId),
      repo.countEventsByAccount(db, user.familyId),
      repo.recentSyncs(db, user.familyId, RECENT_SYNCS),
    ]);
    const countBy = new Map(counts.map((c) => [c.accountId, c.n]));
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
      lastError:
        a.lastErrorCode && a.lastErrorAt
          ? { code: a.lastErrorCode, message: a.lastErrorMessage ?? '', at: a.lastErrorAt.toISOString() }
          : null,
      eventCount: countBy.get(a.id) ?? 0,
      recentSyncs: syncs.filter((s) => s.accountId === a.id).map(toSummary),
    }));
  }

  async function setSyncEnabled(user: AuthUser, id: string, enabled: boolean) {
    await ownedAccount(user, id);
    await repo.setSyncEnabled(db, user.familyId, id, enabled, clock());
    return (await status(user)).find((a) => a.id === id)!;
  }

  async function disconnect(user: AuthUser, id: string) {
    await ownedAccount(user, id);
    // Local data goes at once (the account's events cascade with it); the revocation at
    // Tempus is owed in a table and retried until Tempus has confirmed it.
    const revocationId = await db.transaction(async (tx) => {
      const removed = await repo.deleteAccount(tx, user.familyId, id);
      return removed?.refreshTokenEnc ? repo.insertPendingRevocation(tx, removed.refreshTokenEnc) : undefined;
    });
    log.info({ accountId: id }, 'Tempus account disconnected');
    if (revocationId) void track(processPendingRevocations());
  }

  async function processPendingRevocations() {
    const due = await repo.duePendingRevocations(db, clock(), 50);
    for (const pending of due) {
      try {
        await api.revoke(cipher.decrypt(pending.refreshTokenEnc));
        await repo.deletePendingRevocation(db, pending.id);
      } catch (err) {
        log.warn({ code: (err as TempusError).code, attempts: pending.attempts + 1 }, 'Tempus revocation failed; will retry');
        await repo.postponePendingRevocation(db, pending.id, nextRetry(clock(), pending.attempts + 1));
      }
    }
  }

  /** Deletes sync history older than the retention, in batches; returns how many syncs went. */
  async function pruneSyncHistory() {
    const cutoff = new Date(clock().getTime() - SYNC_HISTORY_RETENTION_MS);
    let removed = 0;
    for (;;) {
      const n = await repo.deleteSyncsStartedBefore(db, cutoff, PRUNE_BATCH);
      removed += n;
      if (n < PRUNE_BATCH) return removed;
    }
  }

  async function countAccountsByState() {
    const rows = await repo.countAccountsByState(db);
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }

  /** The names of the owners of the family's accounts, by account. */
  async function accountOwners(familyId: string): Promise<Map<string, string>> {
    return new Map((await repo.listFamilyAccounts(db, familyId)).map((a) => [a.id, a.ownerName]));
  }

  /** Finished syncs a reconnecting event stream missed after `lastSyncId`. */
  async function missedSyncs(familyId: string, lastSyncId: string) {
    const rows = await repo.syncsFinishedAfter(db, familyId, lastSyncId, 50);
    return rows.map(toSummary);
  }

  /** Resolves once no sync of the account is running or queued in this process. */
  async function whenIdle(accountId: string) {
    for (let slot = slots.get(accountId); slot; slot = slots.get(accountId)) {
      await (slot.queued?.done ?? slot.running).catch(() => undefined);
    }
  }

  /** Stops taking scheduled work and waits for what runs; an interrupted apply rolls back. */
  async function drain() {
    stopping = true;
    while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
  }

  return {
    events,
    startConnect,
    completeConnect,
    status,
    setSyncEnabled,
    disconnect,
    syncTargets,
    startSyncs,
    enqueueSync,
    runDueSyncs,
    processPendingRevocations,
    pruneSyncHistory,
    countAccountsByState,
    drain,
    whenIdle,
    missedSyncs,
    accountOwners,
    followOtherInstances,
    auditForSync: (syncId: string) => repo.auditForSync(db, syncId),
  };
}

export type TempusService = ReturnType<typeof createTempusService>;

export function toSummary(row: repo.SyncLogRow): SyncSummary {
  return {
    id: row.id,
    accountId: row.accountId,
    type: row.syncType,
    trigger: row.trigger,
    status: row.status,
    fetched: row.fetched,
    created: row.created,
    updated: row.updated,
    deleted: row.deleted,
    requests: row.requests,
    error: row.errorCode ? { code: row.errorCode, message: row.errorMessage ?? '' } : null,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

const announcement = z.object({ origin: z.string(), familyId: z.uuid(), syncId: z.uuid() });

function parseAnnouncement(payload: string): z.infer<typeof announcement> | undefined {
  try {
    return announcement.parse(JSON.parse(payload));
  } catch {
    return undefined;
  }
}

function pickCounts(s: SyncSummary) {
  return { fetched: s.fetched, created: s.created, updated: s.updated, deleted: s.deleted };
}
