/** The bell's count: the member's unread notifications, or null when the API cannot say (the page still loads). */
import type { RequestEvent } from '@sveltejs/kit';
import { notificationsResponse } from '@familyhub/shared';
import { ApiError, createApi } from './api';

export async function loadUnreadCount(event: Pick<RequestEvent, 'fetch' | 'cookies' | 'getClientAddress' | 'url'>): Promise<number | null> {
  try {
    return (await createApi(event).call('/api/notifications?limit=0', notificationsResponse)).unreadCount;
  } catch (err) {
    if (err instanceof ApiError) return null;
    throw err;
  }
}
