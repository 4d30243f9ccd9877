/**
 * The notifications module's public face. After each sync (handed on by the syncing modules
 * once committed) it works out what is news for the family in the coming week, stores it,
 * and delivers it: on the open event streams and as Web Push to the members who receive that
 * kind. That work runs behind the sync, one family at a time, and never fails or slows it.
 */
import { NOTIFICATION_KINDS, shortNames, type Notification, type NotificationKind, type NotificationPreferences, type PushStatus, type PushSubscriptionBody } from '@familyhub/shared';
import type { FastifyBaseLogger } from 'fastify';
import pLimit from 'p-limit';
import type { Db } from '../../db/client.js';
import { BadRequestError, ConflictError } from '../../lib/errors.js';
import { createKeyedQueue } from '../../lib/keyed-queue.js';
import type { AuthUser } from '../accounts/types.js';
import type { SyncedChanges } from '../calendar/synced-changes.js';
import type { FamilyMember } from '../pickups/handovers.js';
import type { PickupsService } from '../pickups/service.js';
import { addDays, stockholmDate } from '../pickups/stockholm-days.js';
import { endpointAllowed, endpointHost } from './endpoint-policy.js';
import { handoverNews, shiftChanges, type CurrentHandover } from './news.js';
import { isP256PublicKey, MAX_PAYLOAD_BYTES, type PushSender } from './push-sender.js';
import * as statesRepo from './repository/handover-states.js';
import * as notificationsRepo from './repository/notifications.js';
import * as preferencesRepo from './repository/preferences.js';
import * as pushRepo from './repository/push-subscriptions.js';
import { handoverNotification, shiftChangedNotification } from './wording.js';

const DAY_MS = 86_400_000;
/** What is told: changes and handovers within this far ahead. */
export const NEWS_HORIZON_MS = 7 * DAY_MS;
const LIST_LIMIT = 50;
const MAX_DEVICES_PER_MEMBER = 10;
const PUSH_CONCURRENCY = 4;
/** Syncs' news worked out at once across families, so a burst of syncs never takes the whole connection pool. */
export const EVALUATIONS_AT_ONCE = 4;
/** Notifications are kept this long, then pruned nightly. */
export const RETENTION_MS = 90 * DAY_MS;
const PRUNE_BATCH = 5_000;

export interface NotificationsServiceDeps {
  db: Db;
  pickups: Pick<PickupsService, 'days'>;
  members: (db: Db, familyId: string) => Promise<FamilyMember[]>;
  /** Sends an event to members' open streams on every instance (the event-streams plugin). */
  publish: (audience: { familyId: string; userIds: readonly string[] }, event: string, data: unknown) => void;
  /** Sends Web Push, or null: push is off (no VAPID keys). */
  push: { send: PushSender; publicKey: string } | null;
  endpointHosts: readonly string[];
  log: FastifyBaseLogger;
  clock: () => Date;
}

function toApi(row: notificationsRepo.NotificationRow): Notification {
  return {
    id: row.id,
    kind: row.kind,
    createdAt: row.createdAt.toISOString(),
    readAt: row.readAt?.toISOString() ?? null,
    title: row.title,
    body: row.body,
    date: row.date,
    eventIds: row.eventIds,
    childId: row.childId,
  };
}

/** Where a tap on a pushed notification leads: the calendar at its day. */
function linkOf(n: Notification): string {
  return n.date ? `/calendar?${new URLSearchParams({ view: 'week', date: n.date })}` : '/calendar';
}

function pushPayload(n: Notification): string {
  const payload = { id: n.id, kind: n.kind, title: n.title, body: n.body, url: linkOf(n) };
  // A long body is cut rather than the message lost: the full text is in the app.
  while (Buffer.byteLength(JSON.stringify(payload)) > MAX_PAYLOAD_BYTES) payload.body = `${payload.body.slice(0, Math.floor(payload.body.length * 0.8))}…`;
  return JSON.stringify(payload);
}

export function createNotificationsService(deps: NotificationsServiceDeps) {
  const { db, log, clock } = deps;
  const oneFamilyAtATime = createKeyedQueue();
  const evaluations = pLimit(EVALUATIONS_AT_ONCE);
  const pending = new Set<Promise<unknown>>();

  /** The handovers of the coming days, as the pickups module sees them now. */
  async function handoversAhead(familyId: string, now: Date, horizon: Date): Promise<CurrentHandover[]> {
    const days = await deps.pickups.days(familyId, stockholmDate(now), stockholmDate(horizon));
    const out: CurrentHandover[] = [];
    for (const day of days) {
      for (const [handover, state] of [['drop_off', day.dropOff], ['pick_up', day.pickUp]] as const) {
        const at = state ? Date.parse(state.at) : NaN;
        if (state && at >= now.getTime() && at < horizon.getTime()) out.push({ childId: day.childId, childName: day.childName, date: day.date, handover, state });
      }
    }
    return out;
  }

  /** Works out and stores what the sync's changes are news of; returns it for delivery. */
  async function evaluate(applied: SyncedChanges): Promise<{ members: FamilyMember[]; told: Notification[] } | undefined> {
    const now = clock();
    const horizon = new Date(now.getTime() + NEWS_HORIZON_MS);
    const changes = shiftChanges(applied, now, horizon);
    // Nothing in the coming week changed: nothing to tell, and no handover can have changed by this sync.
    if (changes.length === 0) return;
    const members = await deps.members(db, applied.familyId);
    // The calendar's short names: two parents called Karin are "Karin P" and "Karin A" here too.
    const names = shortNames(members);
    const nameOf = (id: string) => names.get(id) ?? 'Någon';
    // Read before the transaction: embedded PGlite has one connection, which the transaction holds.
    const current = await handoversAhead(applied.familyId, now, horizon);
    const stored = await db.transaction(async (tx) => {
      await statesRepo.lockFamily(tx, applied.familyId);
      const told = await statesRepo.readStates(tx, applied.familyId, stockholmDate(now), stockholmDate(horizon));
      const { news, states } = handoverNews(current, told, applied);
      const rows = [shiftChangedNotification(nameOf(applied.ownerUserId), changes), ...news.map((n) => handoverNotification(n, nameOf))];
      await statesRepo.writeStates(tx, applied.familyId, states, now);
      return notificationsRepo.insertNotifications(tx, applied.familyId, rows, now);
    });
    return { members, told: stored.map(toApi) };
  }

  async function deliver(familyId: string, members: FamilyMember[], notifications: Notification[]) {
    const muted = await preferencesRepo.mutedKindsOf(db, members.map((m) => m.id));
    const receives = (userId: string, kind: NotificationKind) => !(muted.get(userId) ?? []).includes(kind);
    for (const n of notifications) {
      deps.publish({ familyId, userIds: members.filter((m) => receives(m.id, n.kind)).map((m) => m.id) }, 'notification', n);
    }
    if (!deps.push) return;
    const push = deps.push;
    const targets = await pushRepo.targetsOf(db, familyId, members.map((m) => m.id));
    const limit = pLimit(PUSH_CONCURRENCY);
    await Promise.all(
      targets.map((target) =>
        limit(async () => {
          for (const n of notifications.filter((x) => receives(target.userId, x.kind))) {
            const outcome = await push.send(target, pushPayload(n));
            const host = endpointHost(target.endpoint);
            if (outcome.kind === 'delivered') await pushRepo.markDelivered(db, target.id, clock());
            else if (outcome.kind === 'gone') {
              await pushRepo.deleteById(db, target.id);
              log.info({ subscriptionId: target.id, host, status: outcome.status }, 'push subscription gone; removed');
              return;
            } else log.warn({ subscriptionId: target.id, host, reason: outcome.reason }, 'push not delivered');
          }
        }),
      ),
    );
  }

  /** Hands a committed sync's changes to the notifications, behind the sync: returns at once and never throws. */
  function afterSync(applied: SyncedChanges): void {
    // The database work takes one of a few slots; delivery (a slow push service) holds none.
    const work = oneFamilyAtATime(applied.familyId, async () => {
      const news = await evaluations(() => evaluate(applied));
      if (news) await deliver(applied.familyId, news.members, news.told);
    }).catch((err: unknown) =>
      log.error({ err, familyId: applied.familyId }, 'could not work out the notifications of a sync'),
    );
    pending.add(work);
    void work.finally(() => pending.delete(work));
  }

  /** Resolves once every evaluation started so far has finished (tests; closing). */
  async function idle() {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  }

  async function preferencesOf(user: AuthUser): Promise<NotificationPreferences> {
    const muted = await preferencesRepo.mutedKinds(db, user.id);
    return { kinds: Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, !muted.includes(k)])) as NotificationPreferences['kinds'] };
  }

  async function pushStatus(user: AuthUser): Promise<PushStatus> {
    const devices = await pushRepo.listForUser(db, user.id);
    return {
      enabled: deps.push !== null,
      publicKey: deps.push?.publicKey ?? null,
      devices: devices.map((d) => ({ id: d.id, endpointHost: endpointHost(d.endpoint), createdAt: d.createdAt.toISOString() })),
    };
  }

  return {
    afterSync,
    idle,

    async list(user: AuthUser, limit = LIST_LIMIT) {
      const muted = await preferencesRepo.mutedKinds(db, user.id);
      const [rows, unread] = await Promise.all([
        limit > 0 ? notificationsRepo.listForMember(db, user.familyId, user.id, muted, Math.min(limit, LIST_LIMIT)) : [],
        notificationsRepo.unreadCount(db, user.familyId, user.id, muted),
      ]);
      return { notifications: rows.map(toApi), unreadCount: unread };
    },

    async markRead(user: AuthUser, ids: string[]) {
      await notificationsRepo.markRead(db, user.familyId, user.id, [...new Set(ids)], clock());
    },

    preferences: preferencesOf,

    async setPreferences(user: AuthUser, preferences: NotificationPreferences) {
      const muted = NOTIFICATION_KINDS.filter((k) => !preferences.kinds[k]);
      await preferencesRepo.setMutedKinds(db, user.id, muted, clock());
      return preferencesOf(user);
    },

    pushStatus,

    async subscribe(user: AuthUser, body: PushSubscriptionBody) {
      if (!deps.push) throw new ConflictError('push_disabled', 'Web Push is not configured on this server.');
      if (!endpointAllowed(body.endpoint, deps.endpointHosts)) throw new BadRequestError('The push endpoint is not at a known push service.', 'endpoint_not_allowed');
      if (!isP256PublicKey(body.keys.p256dh)) throw new BadRequestError('keys.p256dh is not a P-256 public key.', 'validation_error');
      if ((await pushRepo.countForUser(db, user.id)) >= MAX_DEVICES_PER_MEMBER) {
        const own = (await pushRepo.listForUser(db, user.id)).some((d) => d.endpoint === body.endpoint);
        if (!own) throw new ConflictError('too_many_devices', `At most ${MAX_DEVICES_PER_MEMBER} devices per member receive push.`);
      }
      const row = await pushRepo.upsertSubscription(db, { userId: user.id, familyId: user.familyId, endpoint: body.endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth }, clock());
      return { id: row.id, endpointHost: endpointHost(row.endpoint), createdAt: row.createdAt.toISOString() };
    },

    async unsubscribe(user: AuthUser, endpoint: string) {
      await pushRepo.deleteForUser(db, user.id, endpoint);
    },

    /** Deletes notifications past their retention and handover states of days gone by. */
    async prune(): Promise<{ notifications: number; states: number }> {
      const cutoff = new Date(clock().getTime() - RETENTION_MS);
      let removed = 0;
      for (;;) {
        const n = await notificationsRepo.deleteCreatedBefore(db, cutoff, PRUNE_BATCH);
        removed += n;
        if (n < PRUNE_BATCH) break;
      }
      return { notifications: removed, states: await statesRepo.deleteBefore(db, addDays(stockholmDate(clock()), -1)) };
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
