/**
 * Whether the shifts a Tempus account put in the calendar can be trusted right now: the
 * calendar warns when the account needs a reconnect, or when it has not synced
 * successfully for more than twice its expected interval (then the shifts may be stale).
 * A paused account is not a warning: a parent paused it on purpose.
 */
import type { TempusAccount } from '@familyhub/shared';

export type SyncHealth = 'ok' | 'reconnect' | 'stale';

export function syncHealth(
  account: Pick<TempusAccount, 'state' | 'syncEnabled' | 'lastSyncAt' | 'lastSuccessAt' | 'syncIntervalSeconds'>,
  now: Date,
): SyncHealth {
  if (account.state === 'reauth_required') return 'reconnect';
  if (account.state !== 'active' || !account.syncEnabled) return 'ok';
  // Never a success: stale once a sync has finished (and failed), not while the first one runs.
  if (account.lastSuccessAt === null) return account.lastSyncAt === null ? 'ok' : 'stale';
  return now.getTime() - Date.parse(account.lastSuccessAt) > 2 * account.syncIntervalSeconds * 1000 ? 'stale' : 'ok';
}

/** The name the account has at Tempus, which is whose shifts they are. */
export function holderName(account: Pick<TempusAccount, 'name' | 'email' | 'ownerName'>): string {
  return account.name ?? account.email ?? account.ownerName;
}
