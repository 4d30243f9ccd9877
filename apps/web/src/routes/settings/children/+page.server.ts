import { error, fail } from '@sveltejs/kit';
import { childResponse, childrenResponse, createChildBody, routineResponse } from '@familyhub/shared';
import { readRoutineForm, type PostedRoutine } from '$lib/pickups/routine-form';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  try {
    const { children } = await createApi(event).call('/api/family/children', childrenResponse);
    return { children, confirmRemove: event.url.searchParams.get('remove') };
  } catch (err) {
    if (err instanceof ApiError) error(503, { message: 'Barnen kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

interface ActionMessage {
  childId: string | null;
  tone: 'ok' | 'error';
  text: string;
}

function childErrorText(code: string): string {
  if (code === 'not_a_parent') return 'Lämning och hämtning kan bara läggas på en förälder i familjen.';
  if (code === 'too_many_children') return 'Familjen har redan så många barn som får plats här.';
  return apiErrorMessage(code);
}

function refused(err: unknown, childId: string | null, extra: Record<string, unknown> = {}) {
  if (!(err instanceof ApiError)) throw err;
  const message: ActionMessage = { childId, tone: 'error', text: childErrorText(err.code) };
  return fail(err.status >= 500 ? 503 : err.status, { message, ...extra });
}

const idOf = (data: FormData) => encodeURIComponent(String(data.get('childId') ?? ''));

export const actions = {
  add: async (event) => {
    const data = await event.request.formData();
    const name = String(data.get('name') ?? '').trim();
    const parsed = createChildBody.safeParse({ name });
    if (!parsed.success) return fail(400, { message: { childId: null, tone: 'error', text: 'Skriv barnets namn (högst 100 tecken).' } satisfies ActionMessage, name });
    try {
      const { child } = await createApi(event).call('/api/family/children', childResponse, { method: 'POST', body: parsed.data });
      return { message: { childId: child.id, tone: 'ok', text: `${child.name} är tillagd. Fyll i veckan nedan.` } satisfies ActionMessage };
    } catch (err) {
      return refused(err, null, { name });
    }
  },

  routine: async (event) => {
    const data = await event.request.formData();
    const childId = String(data.get('childId') ?? '');
    const form = readRoutineForm(data);
    if (!form.ok) return fail(400, { message: { childId, tone: 'error', text: form.error } satisfies ActionMessage, routine: { childId, careName: form.careName, rows: form.rows } satisfies PostedRoutine });
    try {
      await createApi(event).call(`/api/family/children/${idOf(data)}/routine`, routineResponse, { method: 'PUT', body: form.body });
    } catch (err) {
      return refused(err, childId);
    }
    return { message: { childId, tone: 'ok', text: 'Veckan är sparad. Lämning och hämtning syns i kalendern.' } satisfies ActionMessage };
  },

  remove: async (event) => {
    const data = await event.request.formData();
    try {
      await createApi(event).run(`/api/family/children/${idOf(data)}`, { method: 'DELETE' });
    } catch (err) {
      return refused(err, String(data.get('childId') ?? ''));
    }
    return { message: { childId: null, tone: 'ok', text: 'Barnet är borttaget, med sin vecka och sina ändrade dagar.' } satisfies ActionMessage };
  },
} satisfies Actions;
