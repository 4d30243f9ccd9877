import type { SubmitFunction } from '@sveltejs/kit';

/**
 * Enhances a "connect Tempus" form. Tempus is another site, so the action's redirect must
 * leave the app for its consent page rather than be followed inside SvelteKit.
 */
export function leaveForTempus(setBusy: (busy: boolean) => void): SubmitFunction {
  return () => {
    setBusy(true);
    return async ({ result, update }) => {
      if (result.type === 'redirect') window.location.assign(result.location);
      else {
        setBusy(false);
        await update();
      }
    };
  };
}
