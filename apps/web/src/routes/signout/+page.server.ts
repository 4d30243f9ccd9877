import { redirect } from '@sveltejs/kit';
import { ApiError, clearSessionCookie, createApi } from '$lib/server/api';
import type { Actions, PageServerLoad } from './$types';

export const load = (() => {
  redirect(303, '/calendar');
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    try {
      await createApi(event).run('/api/auth/logout', { method: 'POST' });
    } catch (err) {
      // Signing out locally still works when the API cannot end the session.
      if (!(err instanceof ApiError)) throw err;
    }
    clearSessionCookie(event);
    redirect(303, '/signin');
  },
} satisfies Actions;
