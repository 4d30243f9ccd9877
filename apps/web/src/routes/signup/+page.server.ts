import { fail, redirect } from '@sveltejs/kit';
import { signupBody } from '@familyhub/shared';
import { ApiError, createApi, sessionFromResponse, setSessionCookie } from '$lib/server/api';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import { fieldErrors, formError, formValues, type FieldErrors } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

export const load = (({ locals }) => {
  if (locals.user) redirect(303, '/calendar');
  return {};
}) satisfies PageServerLoad;

const MESSAGES = {
  name: 'Skriv ditt namn.',
  familyName: 'Ge familjen ett namn, till exempel ”Familjen Andersson”.',
  email: 'Ange en giltig e-postadress.',
  password: 'Lösenordet måste ha minst 10 tecken.',
};

export const actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const values = formValues(data, ['name', 'familyName', 'email']);
    const parsed = signupBody.safeParse({ ...values, password: String(data.get('password') ?? '') });
    if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error, MESSAGES) });
    try {
      const response = await createApi(event).send('/api/auth/signup', { method: 'POST', body: parsed.data });
      const session = sessionFromResponse(response);
      if (!session) throw new ApiError(502, 'internal_error', 'The API set no session.');
      setSessionCookie(event, session);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status === 409) {
        return fail(409, { values, errors: { email: 'Det gick inte att skapa ett konto med den e-postadressen. Är det din? Logga in i stället.' } satisfies FieldErrors });
      }
      if (err.code === 'password_too_common') return fail(400, { values, errors: { password: apiErrorMessage(err.code) } satisfies FieldErrors });
      if (err.status === 429) return fail(429, { values, errors: formError(apiErrorMessage(err.code)) });
      return fail(400, { values, errors: formError('Det gick inte att skapa kontot just nu. Försök igen om en stund.') });
    }
    redirect(303, '/calendar');
  },
} satisfies Actions;
