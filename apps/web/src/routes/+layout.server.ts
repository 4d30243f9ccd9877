import { loadUnreadCount } from '$lib/server/notifications';
import { loadTempusStatus } from '$lib/server/tempus-status';
import type { LayoutServerLoad } from './$types';

export const load = (async (event) => {
  // Refreshed whenever a sync ends or a notification arrives (SyncListener), and after every form action.
  event.depends('app:tempus');
  event.depends('app:notifications');
  const { locals } = event;
  const [tempus, unreadNotifications] = locals.user ? await Promise.all([loadTempusStatus(event), loadUnreadCount(event)]) : [null, null];
  return {
    user: locals.user,
    family: locals.family,
    members: locals.members,
    tempus,
    unreadNotifications,
  };
}) satisfies LayoutServerLoad;
