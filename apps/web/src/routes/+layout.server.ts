import { loadUnreadCount } from '$lib/server/notifications';
import type { LayoutServerLoad } from './$types';

export const load = (async (event) => {
  // Refreshed when a notification arrives on the event stream (SyncListener) and after every form action.
  event.depends('app:notifications');
  const { locals } = event;
  return {
    user: locals.user,
    family: locals.family,
    members: locals.members,
    unreadNotifications: locals.user ? await loadUnreadCount(event) : null,
  };
}) satisfies LayoutServerLoad;
