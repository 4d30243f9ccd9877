import { error, redirect } from '@sveltejs/kit';
import { accountResponse } from '@familyhub/shared';
import { createApi } from '$lib/server/api';
import { accountIdOf, connectTempus, refused, syncTempusAccount, type ActionMessage } from '$lib/server/tempus-actions';
import { connectResult } from '$lib/tempus/wording';
import type { Actions, PageServerLoad } from './$types';

export const load = (async ({ parent, url }) => {
  const { tempus } = await parent();
  if (!tempus) error(503, { message: 'Tempus-inställningarna kunde inte hämtas just nu. Försök igen om en stund.' });
  const params = url.searchParams;
  return {
    status: tempus,
    notice: params.has('disconnected')
      ? { tone: 'ok' as const, text: 'Tempus-kontot är bortkopplat och dess pass är borttagna från kalendern.' }
      : connectResult(params),
    confirmDisconnect: params.get('disconnect'),
  };
}) satisfies PageServerLoad;

export const actions = {
  connect: connectTempus,
  sync: syncTempusAccount,

  toggle: async (event) => {
    const data = await event.request.formData();
    const accountId = accountIdOf(data);
    const syncEnabled = data.get('syncEnabled') === 'true';
    try {
      await createApi(event).call(`/api/tempus/accounts/${encodeURIComponent(accountId)}`, accountResponse, {
        method: 'PATCH',
        body: { syncEnabled },
      });
    } catch (err) {
      return refused(err, accountId);
    }
    const message: ActionMessage = {
      accountId,
      tone: 'ok',
      text: syncEnabled ? 'Synken är på igen.' : 'Synken är pausad. Passen som redan finns ligger kvar.',
    };
    return { message };
  },

  disconnect: async (event) => {
    const accountId = accountIdOf(await event.request.formData());
    try {
      await createApi(event).run(`/api/tempus/disconnect?accountId=${encodeURIComponent(accountId)}`, { method: 'DELETE' });
    } catch (err) {
      return refused(err, accountId);
    }
    redirect(303, '/settings/tempus?disconnected=1');
  },
} satisfies Actions;
