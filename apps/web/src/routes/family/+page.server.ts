import { fail } from '@sveltejs/kit';
import { addMemberBody, addMemberResponse, childrenResponse, memberResponse, updateMemberBody } from '@familyhub/shared';
import { ApiError, createApi } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import { fieldErrors, formError, formValues, type FieldErrors } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  // The children are family members too, without a sign-in; a failure to list them leaves the rest of the page.
  const children = await createApi(event)
    .call('/api/family/children', childrenResponse)
    .then((r) => r.children)
    .catch((err: unknown) => {
      if (err instanceof ApiError) return [];
      throw err;
    });
  return { canAdd: event.locals.user?.role === 'parent', children };
}) satisfies PageServerLoad;

const MESSAGES = {
  name: 'Skriv personens namn.',
  email: 'Ange en giltig e-postadress.',
  password: 'Lösenordet måste ha minst 10 tecken.',
  role: 'Välj förälder eller familjemedlem.',
};

export const actions = {
  add: async (event) => {
    const data = await event.request.formData();
    const values = formValues(data, ['name', 'email', 'role']);
    const parsed = addMemberBody.safeParse({ ...values, password: String(data.get('password') ?? '') });
    if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error, MESSAGES), added: null });
    try {
      const { user } = await createApi(event).call('/api/family/members', addMemberResponse, {
        method: 'POST',
        body: parsed.data,
      });
      return { added: user.name, values: null, errors: null };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'password_too_common') {
        return fail(400, { values, errors: { password: apiErrorMessage(err.code) } satisfies FieldErrors, added: null });
      }
      const form =
        err.status === 409 ? 'Det finns redan ett konto med den e-postadressen.'
        : err.status === 403 ? 'Bara föräldrar kan lägga till familjemedlemmar.'
        : 'Det gick inte att lägga till personen just nu. Försök igen om en stund.';
      return fail(err.status === 409 ? 409 : 400, { values, errors: formError(form), added: null });
    }
  },

  color: async (event) => {
    const data = await event.request.formData();
    const memberId = String(data.get('memberId') ?? '');
    const parsed = updateMemberBody.safeParse({ color: data.get('color') });
    if (!parsed.success) return fail(400, { recolored: null, colorError: { memberId, text: 'Välj en av färgerna.' } });
    try {
      const { member } = await createApi(event).call(`/api/family/members/${encodeURIComponent(memberId)}`, memberResponse, {
        method: 'PATCH',
        body: parsed.data,
      });
      return { recolored: { memberId, name: member.name }, colorError: null };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      return fail(err.status >= 500 ? 503 : err.status, { recolored: null, colorError: { memberId, text: apiErrorMessage(err.code) } });
    }
  },
} satisfies Actions;
