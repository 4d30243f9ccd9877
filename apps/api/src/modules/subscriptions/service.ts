/**
 * The subscriptions module's public face: what its routes and the scheduler call. A new
 * subscription is fetched and parsed before anything is stored, then stored together with
 * its first events in one transaction; an unreadable or forbidden link stores nothing.
 */
import { randomUUID } from 'node:crypto';
import type { CalendarSubscription, CreateSubscriptionBody, SubscriptionSync, UpdateSubscriptionBody } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client.js';
import { removeInBatches } from '../../db/bulk.js';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../lib/errors.js';
import type { Limit } from '../../plugins/limits.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import type { AuthUser } from '../accounts/types.js';
import { handOn, type AfterSync, type SyncedChanges } from '../calendar/synced-changes.js';
import type { SyncedEvents } from '../calendar/synced-events.js';
import { FeedError } from './feed-errors.js';
import * as subscriptionsRepo from './repository/subscriptions.js';
import * as syncLogRepo from './repository/sync-log.js';
import type { SyncEngine } from './sync-engine.js';
import { nextRegularSync, type SyncRunner } from './sync-runner.js';
import { parseFeedUrl } from './url-policy.js';

const DAY_MS = 86_400_000;
/** Sync history (the log and its audit trail) is kept this long, then pruned daily. */
export const SYNC_HISTORY_RETENTION_MS = 90 * DAY_MS;
const PRUNE_BATCH = 5_000;
const MAX_SUBSCRIPTIONS_PER_FAMILY = 20;

export interface SubscriptionsServiceDeps {
  db: Db;
  engine: SyncEngine;
  runner: SyncRunner;
  cipher: TokenCipher;
  calendar: Pick<SyncedEvents, 'count'>;
  log: FastifyBaseLogger;
  clock: () => Date;
  random: () => number;
  syncIntervalMs: number;
  /** Manual syncs counted per subscription, on every instance. */
  manualSyncLimit: Pick<Limit, 'take'>;
  /** New subscriptions counted per parent: each makes the server fetch a URL a user typed. */
  createLimit: Pick<Limit, 'take'>;
  /** Told what a new subscription's first sync wrote, after its commit. */
  afterSync?: AfterSync;
}

/** The error a route answers for a link that could not become a subscription. */
function refusal(err: FeedError): AppError {
  if (err.code === 'invalid_url') return new BadRequestError(err.message, 'validation_error');
  if (err.code === 'url_not_allowed') return new BadRequestError(err.message, 'url_not_allowed');
  return new AppError(422, 'feed_unreadable', err.message);
}

export function createSubscriptionsService(deps: SubscriptionsServiceDeps) {
  const { db, engine, runner, cipher, calendar, log, clock, random } = deps;

  async function list(user: AuthUser): Promise<CalendarSubscription[]> {
    const [rows, counts] = await Promise.all([subscriptionsRepo.listFamilySubscriptions(db, user.familyId), calendar.count(db, user.familyId, 'ics')]);
    return rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      ownerName: r.ownerName,
      name: r.name,
      urlHost: r.urlHost,
      syncEnabled: r.syncEnabled,
      state: !r.syncEnabled ? 'paused' : r.consecutiveFailures > 0 ? 'failing' : 'active',
      lastSyncAt: r.lastSyncAt?.toISOString() ?? null,
      lastSuccessAt: r.lastSuccessAt?.toISOString() ?? null,
      nextSyncAt: r.syncEnabled ? (r.nextSyncAt?.toISOString() ?? null) : null,
      lastError: r.lastErrorCode && r.lastErrorAt ? { code: r.lastErrorCode, message: r.lastErrorMessage ?? '', at: r.lastErrorAt.toISOString() } : null,
      eventCount: counts.get(r.id) ?? 0,
    }));
  }

  async function shown(user: AuthUser, id: string): Promise<CalendarSubscription> {
    const subscription = (await list(user)).find((s) => s.id === id);
    if (!subscription) throw new NotFoundError('Subscription not found.');
    return subscription;
  }

  async function create(user: AuthUser, input: CreateSubscriptionBody): Promise<CalendarSubscription> {
    let url: URL;
    try {
      url = parseFeedUrl(input.url);
    } catch (err) {
      throw err instanceof FeedError ? refusal(err) : err;
    }
    const limit = await deps.createLimit.take(user.id);
    if (!limit.allowed) throw new TooManyRequestsError('Too many new subscriptions. Wait a minute.', limit.retryAfterSeconds);
    const existing = await subscriptionsRepo.listFamilyUrls(db, user.familyId);
    if (existing.length >= MAX_SUBSCRIPTIONS_PER_FAMILY) {
      throw new ConflictError('too_many_subscriptions', `A family can have at most ${MAX_SUBSCRIPTIONS_PER_FAMILY} subscriptions.`);
    }
    // The same feed twice would show every event twice.
    if (existing.some((s) => cipher.decrypt(s.urlEnc) === url.href)) {
      throw new ConflictError('already_subscribed', 'The family already subscribes to this calendar.');
    }
    const startedAt = clock();
    let read;
    try {
      read = await engine.read(url, { etag: null, lastModified: null, contentKey: null }, startedAt);
    } catch (err) {
      if (!(err instanceof FeedError)) throw err;
      log.info({ host: url.host, code: err.code }, 'subscription refused: its feed could not be read');
      throw refusal(err);
    }
    if (read.kind !== 'parsed') throw new AppError(422, 'feed_unreadable', 'The feed answered 304 to an unconditional request.');
    const parsed = read;
    let applied: SyncedChanges | undefined;
    const id = await db.transaction(async (tx) => {
      const now = clock();
      const subscriptionId = await subscriptionsRepo.insertSubscription(tx, {
        familyId: user.familyId,
        userId: user.id,
        name: input.name ?? parsed.feed.name ?? url.hostname,
        urlEnc: cipher.encrypt(url.href),
        urlHost: url.host,
        etag: parsed.validators.etag,
        lastModified: parsed.validators.lastModified,
        contentKey: parsed.contentKey,
        now,
        nextSyncAt: nextRegularSync(now, deps.syncIntervalMs, random),
      });
      const syncId = randomUUID();
      await syncLogRepo.insertSyncLog(tx, { id: syncId, subscriptionId, familyId: user.familyId, trigger: 'create', startedAt });
      const subscription = { id: subscriptionId, familyId: user.familyId, userId: user.id };
      const { counts, changes } = await engine.apply(tx, subscription, syncId, parsed.feed.occurrences, parsed.window, now);
      applied = { familyId: user.familyId, ownerUserId: user.id, source: { kind: 'ics', id: subscriptionId }, changes };
      await syncLogRepo.finishSyncLog(tx, syncId, { status: 'succeeded', notModified: false, ...counts, errorCode: null, errorMessage: null, finishedAt: now });
      return subscriptionId;
    });
    handOn(deps.afterSync, applied!, (err) => log.error({ err, subscriptionId: id }, 'could not hand on what the first sync wrote'));
    log.info({ subscriptionId: id, host: url.host, events: parsed.feed.occurrences.length }, 'calendar subscription added');
    return shown(user, id);
  }

  async function owned(user: AuthUser, id: string) {
    const subscription = await subscriptionsRepo.findFamilySubscription(db, user.familyId, id);
    if (!subscription) throw new NotFoundError('Subscription not found.');
    if (subscription.userId !== user.id) throw new ForbiddenError('Only the parent who added this subscription may change it.', 'not_owner');
    return subscription;
  }

  async function update(user: AuthUser, id: string, patch: UpdateSubscriptionBody): Promise<CalendarSubscription> {
    await owned(user, id);
    await subscriptionsRepo.updateSettings(db, user.familyId, id, patch, clock());
    return shown(user, id);
  }

  async function remove(user: AuthUser, id: string): Promise<void> {
    await owned(user, id);
    // Its events, sync log and audit trail go with it (foreign keys with cascade).
    await subscriptionsRepo.deleteSubscription(db, user.familyId, id);
  }

  /** "Sync now" by a parent of the family: answered once the sync has finished. */
  async function syncNow(user: AuthUser, id: string): Promise<SubscriptionSync> {
    const subscription = await subscriptionsRepo.findFamilySubscription(db, user.familyId, id);
    if (!subscription) throw new NotFoundError('Subscription not found.');
    // Paused means no background syncs; asked for by a parent, it syncs.
    const limit = await deps.manualSyncLimit.take(id);
    if (!limit.allowed) throw new TooManyRequestsError('Too many manual syncs of this subscription. Wait a minute.', limit.retryAfterSeconds);
    return runner.sync(id, 'manual');
  }

  /** Deletes sync history older than the retention, in batches; returns how many syncs went. */
  async function pruneSyncHistory(): Promise<number> {
    const cutoff = new Date(clock().getTime() - SYNC_HISTORY_RETENTION_MS);
    return removeInBatches(PRUNE_BATCH, (batch) => syncLogRepo.deleteSyncsStartedBefore(db, cutoff, batch));
  }

  return { list, create, update, remove, syncNow, runDueSyncs: runner.runDue, pruneSyncHistory, drain: runner.drain };
}

export type SubscriptionsService = ReturnType<typeof createSubscriptionsService>;
