import { error, fail } from '@sveltejs/kit';
import { calendarFeedResponse, createdCalendarFeedResponse } from '@familyhub/shared';
import QRCode from 'qrcode';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

/** Phones subscribe with webcal://, which their calendar apps open directly. */
const webcalOf = (url: string) => url.replace(/^https?:\/\//, 'webcal://');

export const load = (async (event) => {
  try {
    const { url } = await createApi(event).call('/api/calendar/feed', calendarFeedResponse);
    if (!url) return { enabled: true, feed: null };
    const webcal = webcalOf(url);
    // Drawn here, as SVG markup of our own making: the page needs no script for it.
    const qr = await QRCode.toString(webcal, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { enabled: true, feed: { webcal, https: url, qr } };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { enabled: false, feed: null };
    if (err instanceof ApiError) error(503, { message: 'Kalenderlänken kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

function refused(err: unknown) {
  if (!(err instanceof ApiError)) throw err;
  return fail(err.status >= 500 ? 503 : err.status, { message: { tone: 'error' as const, text: apiErrorMessage(err.code) } });
}

export const actions = {
  create: async (event) => {
    try {
      await createApi(event).call('/api/calendar/feed', createdCalendarFeedResponse, { method: 'POST' });
    } catch (err) {
      return refused(err);
    }
    return { message: { tone: 'ok' as const, text: 'En ny länk är skapad. En tidigare länk slutar fungera direkt.' } };
  },

  disable: async (event) => {
    try {
      await createApi(event).run('/api/calendar/feed', { method: 'DELETE' });
    } catch (err) {
      return refused(err);
    }
    return { message: { tone: 'ok' as const, text: 'Länken är avstängd. Kalendern i mobilen slutar uppdateras.' } };
  },
} satisfies Actions;
