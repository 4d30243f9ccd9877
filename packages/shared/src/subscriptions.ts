import { z } from 'zod';
import { accountError } from './tempus.js';

/**
 * `active` syncs as planned, `failing` could not read its feed the last time (the events
 * from the last good fetch stay), `paused` is turned off by its owner.
 */
export const subscriptionState = z.enum(['active', 'failing', 'paused']);
export type SubscriptionState = z.infer<typeof subscriptionState>;

/** A calendar subscription as every member of the family sees it: never its URL, only the URL's host. */
export const calendarSubscription = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  ownerName: z.string(),
  name: z.string(),
  urlHost: z.string(),
  syncEnabled: z.boolean(),
  state: subscriptionState,
  lastSyncAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  nextSyncAt: z.string().nullable(),
  lastError: accountError.nullable(),
  eventCount: z.number().int(),
});
export type CalendarSubscription = z.infer<typeof calendarSubscription>;

export const subscriptionsResponse = z.object({ subscriptions: z.array(calendarSubscription) });
export const subscriptionResponse = z.object({ subscription: calendarSubscription });

const subscriptionName = z.string().trim().min(1).max(100);

export const createSubscriptionBody = z.object({
  /** `https://`, `http://` or `webcal://`. */
  url: z.string().trim().min(1).max(2048),
  name: subscriptionName.optional(),
});
export type CreateSubscriptionBody = z.input<typeof createSubscriptionBody>;

export const updateSubscriptionBody = z
  .object({ name: subscriptionName.optional(), syncEnabled: z.boolean().optional() })
  .refine((b) => b.name !== undefined || b.syncEnabled !== undefined, { message: 'nothing to change' });
export type UpdateSubscriptionBody = z.input<typeof updateSubscriptionBody>;

/** A finished subscription sync: what it changed in the calendar, or why it failed. */
export const subscriptionSync = z.object({
  status: z.enum(['succeeded', 'failed']),
  /** The feed answered 304 Not Modified: nothing was read or written. */
  notModified: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  deleted: z.number().int(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type SubscriptionSync = z.infer<typeof subscriptionSync>;
export const subscriptionSyncResponse = z.object({ sync: subscriptionSync });

/** A member's private address of the family calendar (`webcal`-able `https`), or null without one. */
export const calendarFeedResponse = z.object({ url: z.string().nullable() });
export const createdCalendarFeedResponse = z.object({ url: z.string() });
