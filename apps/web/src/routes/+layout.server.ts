import { loadTempusStatus } from '$lib/server/tempus-status';
import type { LayoutServerLoad } from './$types';

export const load = (async (event) => {
  // Refreshed whenever a sync ends (SyncListener) and after every form action.
  event.depends('app:tempus');
  const { locals } = event;
  return {
    user: locals.user,
    family: locals.family,
    members: locals.members,
    tempus: locals.user ? await loadTempusStatus(event) : null,
  };
}) satisfies LayoutServerLoad;
