/**
 * Loads the signed-in user from the API into `locals` on every request and keeps signed-out
 * visitors on the sign-in and sign-up pages.
 */
import { error, redirect, type Handle } from '@sveltejs/kit';
import { meResponse, SESSION_COOKIE } from '@familyhub/shared';
import { ApiError, clearSessionCookie, createApi } from '$lib/server/api';

const PUBLIC_PATHS = ['/signin', '/signup'];

export const handle: Handle = async ({ event, resolve }) => {
  event.locals.user = null;
  event.locals.family = null;
  event.locals.members = [];

  if (event.cookies.get(SESSION_COOKIE)) {
    try {
      const me = await createApi(event).call('/api/me', meResponse);
      event.locals.user = me.user;
      event.locals.family = me.family;
      event.locals.members = me.members;
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.status !== 401) error(503, { message: 'Familjehubben svarar inte just nu. Försök igen om en stund.' });
      clearSessionCookie(event);
    }
  }

  const path = event.url.pathname;
  const isPublic = PUBLIC_PATHS.some((p) => path === p || path.startsWith(`${p}/`));
  if (!event.locals.user && !isPublic) {
    const target = `${path}${event.url.search}`;
    redirect(303, path === '/' ? '/signin' : `/signin?redirectTo=${encodeURIComponent(target)}`);
  }
  return resolve(event);
};
