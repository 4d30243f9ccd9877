import { error, fail, redirect } from '@sveltejs/kit';
import { pickupDayResponse, pickupsResponse, type DayChangeBody } from '@familyhub/shared';
import { addDays, isCivilDate, todayIn } from '$lib/calendar/zoned-time';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

/** The page shows two weeks from its first day. */
const DAYS = 14;

export const load = (async (event) => {
  event.depends('app:calendar');
  const asked = event.url.searchParams.get('from') ?? '';
  const from = isCivilDate(asked) ? asked : todayIn();
  const to = addDays(from, DAYS - 1);
  try {
    const { days } = await createApi(event).call(`/api/pickups?${new URLSearchParams({ from, to })}`, pickupsResponse);
    return { from, to, days };
  } catch (err) {
    if (err instanceof ApiError) error(503, { message: 'Lämning och hämtning kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

/** Where a form came from: a path of this app, never another site. */
function backTo(data: FormData): string {
  const back = String(data.get('back') ?? '');
  return back.startsWith('/') && !back.startsWith('//') ? back : '/pickups';
}

function refused(err: unknown) {
  if (!(err instanceof ApiError)) throw err;
  const text = err.code === 'not_a_parent' ? 'Lämning och hämtning kan bara läggas på en förälder i familjen.' : apiErrorMessage(err.code);
  return fail(err.status >= 500 ? 503 : err.status, { message: text });
}

export const actions = {
  /** The one-tap swap: the free parent takes this one handover on this day; the rest of the day stays as it was. */
  swap: async (event) => {
    const data = await event.request.formData();
    const [childId, date, kind, userId] = ['childId', 'date', 'kind', 'userId'].map((k) => String(data.get(k) ?? ''));
    if (!isCivilDate(date!) || (kind !== 'dropOff' && kind !== 'pickUp')) return fail(400, { message: 'Något av fälten är inte rätt ifyllt.' });
    const api = createApi(event);
    const path = `/api/family/children/${encodeURIComponent(childId!)}/days/${date}`;
    try {
      const { days } = await api.call(`/api/pickups?${new URLSearchParams({ from: date!, to: date! })}`, pickupsResponse);
      const current = days.find((d) => d.childId === childId)?.change;
      const body: DayChangeBody = { ...current, ...(kind === 'dropOff' ? { dropOffBy: userId } : { pickUpBy: userId }) };
      await api.call(path, pickupDayResponse, { method: 'PUT', body });
    } catch (err) {
      return refused(err);
    }
    redirect(303, backTo(data));
  },

  /** Back to the routine for the day. */
  reset: async (event) => {
    const data = await event.request.formData();
    const [childId, date] = ['childId', 'date'].map((k) => String(data.get(k) ?? ''));
    if (!isCivilDate(date!)) return fail(400, { message: 'Något av fälten är inte rätt ifyllt.' });
    try {
      await createApi(event).run(`/api/family/children/${encodeURIComponent(childId!)}/days/${date}`, { method: 'DELETE' });
    } catch (err) {
      return refused(err);
    }
    redirect(303, backTo(data));
  },
} satisfies Actions;
