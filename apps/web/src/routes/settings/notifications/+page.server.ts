import { error, fail } from '@sveltejs/kit';
import { NOTIFICATION_KINDS, preferencesResponse, pushDeviceResponse, pushStatusResponse, pushSubscriptionBody } from '@familyhub/shared';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  const api = createApi(event);
  try {
    const [{ preferences }, push] = await Promise.all([api.call('/api/notifications/preferences', preferencesResponse), api.call('/api/notifications/push', pushStatusResponse)]);
    return { preferences, push };
  } catch (err) {
    if (err instanceof ApiError) error(503, { message: 'Inställningarna för notiser kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

function pushErrorText(code: string): string {
  if (code === 'push_disabled') return 'Pushnotiser är inte påslagna på den här servern.';
  if (code === 'endpoint_not_allowed') return 'Webbläsarens pushtjänst känns inte igen. Prova en annan webbläsare.';
  if (code === 'too_many_devices') return 'Du har redan tio enheter med notiser. Stäng av någon först.';
  return apiErrorMessage(code);
}

function refused(err: unknown) {
  if (!(err instanceof ApiError)) throw err;
  return fail(err.status >= 500 ? 503 : err.status, { message: { tone: 'error' as const, text: pushErrorText(err.code) } });
}

/** The browser's subscription, posted by the opt-in script as form fields. */
function subscriptionOf(data: FormData) {
  return pushSubscriptionBody.safeParse({ endpoint: String(data.get('endpoint') ?? ''), keys: { p256dh: String(data.get('p256dh') ?? ''), auth: String(data.get('auth') ?? '') } });
}

export const actions = {
  preferences: async (event) => {
    const data = await event.request.formData();
    const kinds = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, data.get(k) === 'on'])) as Record<(typeof NOTIFICATION_KINDS)[number], boolean>;
    try {
      await createApi(event).call('/api/notifications/preferences', preferencesResponse, { method: 'PUT', body: { kinds } });
    } catch (err) {
      return refused(err);
    }
    return { message: { tone: 'ok' as const, text: 'Sparat. Du får de notiser du har valt.' } };
  },

  subscribe: async (event) => {
    const parsed = subscriptionOf(await event.request.formData());
    if (!parsed.success) return fail(400, { message: { tone: 'error' as const, text: 'Webbläsaren gav ingen giltig prenumeration. Försök igen.' } });
    try {
      await createApi(event).call('/api/notifications/push/subscriptions', pushDeviceResponse, { method: 'POST', body: parsed.data });
    } catch (err) {
      return refused(err);
    }
    return { message: { tone: 'ok' as const, text: 'Notiser är påslagna i den här webbläsaren.' } };
  },

  unsubscribe: async (event) => {
    const endpoint = String((await event.request.formData()).get('endpoint') ?? '');
    if (!endpoint) return fail(400, { message: { tone: 'error' as const, text: 'Den här webbläsaren har inga notiser påslagna.' } });
    try {
      await createApi(event).run('/api/notifications/push/unsubscribe', { method: 'POST', body: { endpoint } });
    } catch (err) {
      return refused(err);
    }
    return { message: { tone: 'ok' as const, text: 'Notiser är avstängda i den här webbläsaren.' } };
  },
} satisfies Actions;
