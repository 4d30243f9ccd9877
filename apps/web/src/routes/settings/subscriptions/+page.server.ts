import { error, fail } from '@sveltejs/kit';
import { createSubscriptionBody, subscriptionResponse, subscriptionsResponse, subscriptionSyncResponse } from '@familyhub/shared';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import { subscriptionErrorText, subscriptionSyncText } from '$lib/subscriptions/wording';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  event.depends('app:subscriptions');
  try {
    const { subscriptions } = await createApi(event).call('/api/calendar/subscriptions', subscriptionsResponse);
    return { enabled: true, subscriptions, removed: event.url.searchParams.has('removed'), confirmRemove: event.url.searchParams.get('remove') };
  } catch (err) {
    // Without an encryption key the API has no subscription routes at all.
    if (err instanceof ApiError && err.status === 404) return { enabled: false, subscriptions: [], removed: false, confirmRemove: null };
    if (err instanceof ApiError) error(503, { message: 'Prenumerationerna kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

interface ActionMessage {
  subscriptionId: string | null;
  tone: 'ok' | 'error';
  text: string;
}

function refused(err: unknown, subscriptionId: string | null, values?: { url: string; name: string }) {
  if (!(err instanceof ApiError)) throw err;
  const known = ['parent_only', 'unauthorized', 'rate_limited', 'not_found'].includes(err.code);
  const message: ActionMessage = { subscriptionId, tone: 'error', text: known ? apiErrorMessage(err.code) : subscriptionErrorText(err.code) };
  return fail(err.status >= 500 ? 503 : err.status, { message, values });
}

const idOf = (data: FormData) => String(data.get('subscriptionId') ?? '');

export const actions = {
  add: async (event) => {
    const data = await event.request.formData();
    const values = { url: String(data.get('url') ?? '').trim(), name: String(data.get('name') ?? '').trim() };
    const parsed = createSubscriptionBody.safeParse({ url: values.url, ...(values.name && { name: values.name }) });
    if (!parsed.success) {
      const text = values.url ? 'Kontrollera länken och namnet (högst 100 tecken).' : 'Klistra in länken till kalendern.';
      return fail(400, { message: { subscriptionId: null, tone: 'error', text } satisfies ActionMessage, values });
    }
    try {
      const { subscription } = await createApi(event).call('/api/calendar/subscriptions', subscriptionResponse, { method: 'POST', body: parsed.data });
      const message: ActionMessage = {
        subscriptionId: null,
        tone: 'ok',
        text: `”${subscription.name}” är tillagd: ${subscription.eventCount} ${subscription.eventCount === 1 ? 'händelse' : 'händelser'} i kalendern.`,
      };
      return { message, values: null };
    } catch (err) {
      return refused(err, null, values);
    }
  },

  sync: async (event) => {
    const subscriptionId = idOf(await event.request.formData());
    try {
      const { sync } = await createApi(event).call(`/api/calendar/subscriptions/${encodeURIComponent(subscriptionId)}/sync`, subscriptionSyncResponse, {
        method: 'POST',
      });
      const message: ActionMessage =
        sync.status === 'succeeded'
          ? { subscriptionId, tone: 'ok', text: `Synken är klar: ${subscriptionSyncText(sync)}.` }
          : { subscriptionId, tone: 'error', text: `Synken misslyckades. ${subscriptionErrorText(sync.error?.code ?? 'internal_error')}` };
      return { message };
    } catch (err) {
      return refused(err, subscriptionId);
    }
  },

  toggle: async (event) => {
    const data = await event.request.formData();
    const subscriptionId = idOf(data);
    const syncEnabled = data.get('syncEnabled') === 'true';
    try {
      await createApi(event).call(`/api/calendar/subscriptions/${encodeURIComponent(subscriptionId)}`, subscriptionResponse, {
        method: 'PATCH',
        body: { syncEnabled },
      });
    } catch (err) {
      return refused(err, subscriptionId);
    }
    const text = syncEnabled ? 'Prenumerationen synkas igen.' : 'Prenumerationen är pausad. Händelserna som redan finns ligger kvar.';
    return { message: { subscriptionId, tone: 'ok', text } satisfies ActionMessage };
  },

  remove: async (event) => {
    const subscriptionId = idOf(await event.request.formData());
    try {
      await createApi(event).run(`/api/calendar/subscriptions/${encodeURIComponent(subscriptionId)}`, { method: 'DELETE' });
    } catch (err) {
      return refused(err, subscriptionId);
    }
    return { message: { subscriptionId: null, tone: 'ok', text: 'Prenumerationen är borttagen, och dess händelser är borta ur kalendern.' } satisfies ActionMessage };
  },
} satisfies Actions;
