import { error, fail, redirect } from '@sveltejs/kit';
import { accountResponse, connectResponse, syncFinishedResponse, tempusStatusResponse } from '@familyhub/shared';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import { connectResult, errorAdvice, syncChanges } from '$lib/tempus/wording';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  event.depends('app:tempus');
  const params = event.url.searchParams;
  try {
    const status = await createApi(event).call('/api/tempus/status', tempusStatusResponse);
    return {
      status,
      notice: params.has('disconnected')
        ? { tone: 'ok' as const, text: 'Tempus-kontot är bortkopplat och dess pass är borttagna från kalendern.' }
        : connectResult(params),
      confirmDisconnect: params.get('disconnect'),
    };
  } catch (err) {
    // With the integration switched off the API has no Tempus routes at all.
    if (err instanceof ApiError && err.status === 404) return { status: { enabled: false, accounts: [] }, notice: null, confirmDisconnect: null };
    if (err instanceof ApiError) error(503, { message: 'Tempus-inställningarna kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

interface ActionMessage {
  accountId: string | null;
  tone: 'ok' | 'error';
  text: string;
}

function refused(err: unknown, accountId: string | null) {
  if (!(err instanceof ApiError)) throw err;
  const message: ActionMessage = { accountId, tone: 'error', text: apiErrorMessage(err.code) };
  return fail(err.status >= 500 ? 503 : err.status, { message });
}

const accountIdOf = (data: FormData) => String(data.get('accountId') ?? '');

export const actions = {
  connect: async (event) => {
    let authorizeUrl: string;
    try {
      ({ authorizeUrl } = await createApi(event).call('/api/tempus/connect', connectResponse, { method: 'POST' }));
    } catch (err) {
      return refused(err, null);
    }
    redirect(303, authorizeUrl);
  },

  sync: async (event) => {
    const accountId = accountIdOf(await event.request.formData());
    try {
      const { syncs } = await createApi(event).call('/api/tempus/sync?wait=true', syncFinishedResponse, {
        method: 'POST',
        body: { accountId },
      });
      const sync = syncs[0];
      const message: ActionMessage =
        !sync || sync.status === 'succeeded'
          ? { accountId, tone: 'ok', text: `Synken är klar: ${sync ? syncChanges(sync) : 'inga ändringar'}.` }
          : { accountId, tone: 'error', text: `Synken misslyckades. ${errorAdvice(sync.error?.code ?? 'request_failed').message}` };
      return { message };
    } catch (err) {
      return refused(err, accountId);
    }
  },

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
