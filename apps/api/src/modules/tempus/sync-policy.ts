/**
 * The rules of when and what to sync, as pure functions of their inputs: the window a
 * listing covers, which kind of sync is due, and when an account is due again after a
 * success (with jitter, so a fleet does not line up). After a failure: lib/backoff.ts.
 */
import type { SyncType } from './types.js';

export const DAY_MS = 86_400_000;
/** A full listing reconciles what incremental syncs cannot see (deletions past their tombstones) once a day. */
export const FULL_SYNC_EVERY_MS = DAY_MS;
/** The longest `from`–`to` window Tempus lists. */
export const MAX_LISTING_MS = 400 * DAY_MS;

export interface SyncWindow {
  from: Date;
  to: Date;
}

/** The window of an initial or full listing: the configured days back and ahead of now. */
export function syncWindow(now: Date, days: { pastDays: number; futureDays: number }): SyncWindow {
  return {
    from: new Date(now.getTime() - days.pastDays * DAY_MS),
    to: new Date(now.getTime() + days.futureDays * DAY_MS),
  };
}

/**
 * A full listing also reaches ahead to the account's latest event in the calendar (shifts
 * beyond the window arrive through incremental syncs), so that one deleted out there after
 * its tombstone expired is still found missing and removed. Tempus lists at most 400 days.
 */
export function reconcileWindow(window: SyncWindow, latestEventEnd: Date | undefined): SyncWindow {
  if (!latestEventEnd || latestEventEnd <= window.to) return window;
  return { from: window.from, to: new Date(Math.min(latestEventEnd.getTime(), window.from.getTime() + MAX_LISTING_MS)) };
}

export function syncTypeFor(account: { syncCursor: Date | null; lastFullSyncAt: Date | null }, now: Date): SyncType {
  if (!account.syncCursor) return 'initial';
  if (!account.lastFullSyncAt || now.getTime() - account.lastFullSyncAt.getTime() >= FULL_SYNC_EVERY_MS) return 'full';
  return 'incremental';
}

/** A background sync soon pays off for an account whose next shift starts within this. */
export const SHIFT_SOON_MS = 48 * 3_600_000;

/**
 * Due again the minimum interval after a successful sync, up to 10 % later so that a fleet
 * synced together does not stay in step (never earlier: the interval is a promise to Tempus).
 */
export function nextRegularSync(now: Date, minIntervalMs: number, random: () => number): Date {
  return new Date(now.getTime() + minIntervalMs * (1 + 0.1 * random()));
}
