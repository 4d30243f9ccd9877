/**
 * Notifications a family gets after its calendars sync: a changed schedule, a handover
 * that gains or loses a conflict. Stored with each member's read state, sent on the event
 * stream, and pushed to the devices of members who allow it.
 */
import { z } from 'zod';

export const NOTIFICATION_KINDS = ['shift_changed', 'pickup_conflict', 'pickup_resolved'] as const;
export const notificationKind = z.enum(NOTIFICATION_KINDS);
export type NotificationKind = z.infer<typeof notificationKind>;

export const notification = z.object({
  id: z.uuid(),
  kind: notificationKind,
  createdAt: z.string(),
  readAt: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  /** The day it is about (the first, for a changed schedule), `YYYY-MM-DD`. */
  date: z.string().nullable(),
  eventIds: z.array(z.uuid()),
  childId: z.uuid().nullable(),
});
export type Notification = z.infer<typeof notification>;

export const notificationsResponse = z.object({
  notifications: z.array(notification),
  /** The member's unread notifications (of the kinds they receive), for the bell. */
  unreadCount: z.number().int(),
});
export type NotificationsResponse = z.infer<typeof notificationsResponse>;

export const notificationsQuery = z.object({
  /** How many of the newest to list (0: only the unread count, for the bell). */
  limit: z.coerce.number().int().min(0).max(50).default(50),
});

export const MAX_READ_IDS = 200;
export const markReadBody = z.object({ ids: z.array(z.uuid()).min(1).max(MAX_READ_IDS) });
export type MarkReadBody = z.input<typeof markReadBody>;

/** Which kinds reach a member (the list, the stream and push alike). */
export const notificationPreferences = z.object({
  kinds: z.object({ shift_changed: z.boolean(), pickup_conflict: z.boolean(), pickup_resolved: z.boolean() }),
});
export type NotificationPreferences = z.infer<typeof notificationPreferences>;
export const preferencesResponse = z.object({ preferences: notificationPreferences });
export const putPreferencesBody = notificationPreferences;

/** A browser's push subscription, as PushSubscription.toJSON() gives it. */
export const pushSubscriptionBody = z.object({
  endpoint: z.url().max(2048),
  keys: z.object({
    /** The browser's P-256 public key, base64url (65 bytes). */
    p256dh: z.string().regex(/^[A-Za-z0-9_-]{86,88}={0,2}$/, 'must be a base64url P-256 public key'),
    /** The browser's 16-byte authentication secret, base64url. */
    auth: z.string().regex(/^[A-Za-z0-9_-]{22,24}={0,2}$/, 'must be a base64url 16-byte secret'),
  }),
});
export type PushSubscriptionBody = z.input<typeof pushSubscriptionBody>;
export const pushUnsubscribeBody = z.object({ endpoint: z.url().max(2048) });

/** A stored push subscription: never its endpoint (a capability URL), only the push service's host. */
export const pushDevice = z.object({ id: z.uuid(), endpointHost: z.string(), createdAt: z.string() });
export const pushStatusResponse = z.object({
  /** Whether this server sends Web Push at all (VAPID keys configured). */
  enabled: z.boolean(),
  /** The VAPID public key a browser subscribes with, or null when push is off. */
  publicKey: z.string().nullable(),
  devices: z.array(pushDevice),
});
export type PushStatus = z.infer<typeof pushStatusResponse>;
export const pushDeviceResponse = z.object({ device: pushDevice });

/** What a push message carries to the service worker (encrypted on the way). */
export const pushPayload = z.object({
  id: z.uuid(),
  kind: notificationKind,
  title: z.string(),
  body: z.string(),
  /** Where a tap on the notification leads in the web app. */
  url: z.string(),
});
export type PushPayload = z.infer<typeof pushPayload>;
