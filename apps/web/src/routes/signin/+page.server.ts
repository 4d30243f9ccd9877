import { fail, redirect } from '@sveltejs/kit';
import { loginBody } from '@familyhub/shared';
import { ApiError, createApi, sessionFromResponse, setSessionCookie } from '$lib/server/api';
import { fieldErrors, formError, formValues } from '$lib/server/forms';
import { sameOriginPath } from '$lib/server/safe-redirect';
import type { Actions, PageServerLoad } from './$types';

export const load = (({ locals, url }) => {
  if (locals.user) redirect(303, sameOriginPath(url.searchParams.get('redirectTo'), url.origin));
  return {};
}) satisfies PageServerLoad;

export const actions = {
  default: async (event) => {
    const data = await event.request.formData();
    const values = formValues(data, ['email']);
    const parsed = loginBody.safeParse({ email: values.email, password: String(data.get('password') ?? '') });
    if (!parsed.success) {
      return fail(400, {
        values,
        errors: fieldErrors(parsed.error, { email: 'Ange din e-postadress.', password: 'Ange ditt lösenord.' }),
      });
    }
    try {
      const response = await createApi(event).send('/api/auth/login', { method: 'POST', body: parsed.data });
      const session = sessionFromResponse(response);
      if (!session) throw new ApiError(502, 'internal_error', 'The API set no session.');
      setSessionCookie(event, session);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const form =
        err.status === 401 ? 'Fel e-postadress eller lösenord.'
        : err.status === 429 ? 'För många inloggningsförsök. Vänta en stund och försök igen.'
        : 'Inloggningen fungerar inte just nu. Försök igen om en stund.';
      return fail(err.status === 401 ? 401 : 400, { values, errors: formError(form) });
    }
    redirect(303, sameOriginPath(event.url.searchParams.get('redirectTo'), event.url.origin));
  },
} satisfies Actions;
