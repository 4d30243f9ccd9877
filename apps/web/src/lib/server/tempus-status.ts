/** The family's Tempus accounts for every signed-in page: the calendar's banner, the settings, the toasts. */
import type { RequestEvent } from '@sveltejs/kit';
import { tempusStatusResponse, type TempusStatusResponse } from '@familyhub/shared';
import { ApiError, createApi } from './api';

/** The status, `enabled: false` when the integration is switched off, or null when the API cannot say. */
export async function loadTempusStatus(event: Pick<RequestEvent, 'fetch' | 'cookies' | 'getClientAddress' | 'url'>): Promise<TempusStatusResponse | null> {
  try {
    return await createApi(event).call('/api/tempus/status', tempusStatusResponse);
  } catch (err) {
    if (!(err instanceof ApiError)) throw err;
    // With the integration switched off the API has no Tempus routes at all.
    return err.status === 404 ? { enabled: false, accounts: [] } : null;
  }
}
