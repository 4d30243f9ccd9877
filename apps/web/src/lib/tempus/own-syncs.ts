/**
 * "Synka nu" in this browser answers in place, next to the button; the event stream then
 * announces the same sync to every open page. These marks let the toast skip a sync this
 * browser asked for, so one sync gives one message.
 */
import type { SubmitFunction } from '@sveltejs/kit';
import type { SyncSummary } from '@familyhub/shared';

/** How long after the answer a late announcement of the same sync is still ours. */
const ANNOUNCEMENT_GRACE_MS = 15_000;

const asking = new Map<string, number>();

/** Marks a manual sync of the account as asked for here, until `answered` is called. */
export function askingToSync(accountId: string): { answered(): void } {
  asking.set(accountId, Number.POSITIVE_INFINITY);
  return { answered: () => void asking.set(accountId, Date.now() + ANNOUNCEMENT_GRACE_MS) };
}

export function isOwnSync(sync: Pick<SyncSummary, 'accountId' | 'trigger'>, now = Date.now()): boolean {
  return sync.trigger === 'manual' && (asking.get(sync.accountId) ?? 0) > now;
}

/** Enhances a "Synka nu" form: busy while it runs, and the sync it asks for marked as ours. */
export function submitSyncNow(accountId: string, setBusy: (busy: boolean) => void): SubmitFunction {
  return () => {
    setBusy(true);
    const ask = askingToSync(accountId);
    return async ({ update }) => {
      await update({ reset: false });
      ask.answered();
      setBusy(false);
    };
  };
}
