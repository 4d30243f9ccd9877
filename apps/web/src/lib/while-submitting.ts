/** The submit helper of forms that show they are busy (a disabled button, "Synkar…"). */
import type { SubmitFunction } from '@sveltejs/kit';

/**
 * Enhances a form so `setBusy` is true while it is being submitted. `reset: false` keeps
 * what the form shows after a successful action instead of resetting its fields.
 */
export function whileSubmitting(setBusy: (busy: boolean) => void, options?: { reset?: boolean }): SubmitFunction {
  return () => {
    setBusy(true);
    return async ({ update }) => {
      await update(options);
      setBusy(false);
    };
  };
}
