import { error, fail } from '@sveltejs/kit';
import { markReadBody, notificationsResponse } from '@familyhub/shared';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  event.depends('app:notifications');
  try {
    return await createApi(event).call('/api/notifications', notificationsResponse);
  } catch (err) {
    if (err instanceof ApiError) error(503, { message: 'Notiserna kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

export const actions = {
  read: async (event) => {
    const parsed = markReadBody.safeParse({ ids: (await event.request.formData()).getAll('id').map(String) });
    if (!parsed.success) return fail(400, { message: 'Det finns inga olästa notiser att markera.' });
    try {
      await createApi(event).run('/api/notifications/read', { method: 'POST', body: parsed.data });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return fail(err.status >= 500 ? 503 : err.status, { message: apiErrorMessage(err.code) });
    }
    return { message: null };
  },
} satisfies Actions;
