/** The family's handovers of the days a page shows, or none when the API cannot say (the calendar still loads). */
import type { RequestEvent } from '@sveltejs/kit';
import { pickupsResponse, type PickupDay } from '@familyhub/shared';
import { ApiError, createApi } from './api';

export async function loadPickups(event: Pick<RequestEvent, 'fetch' | 'cookies' | 'getClientAddress' | 'url'>, from: string, to: string): Promise<PickupDay[]> {
  try {
    return (await createApi(event).call(`/api/pickups?${new URLSearchParams({ from, to })}`, pickupsResponse)).days;
  } catch (err) {
    if (err instanceof ApiError) return [];
    throw err;
  }
}
