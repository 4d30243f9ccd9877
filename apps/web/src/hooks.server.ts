/**
 * Every request: sends a page asked for at a loopback address to the app's one host name,
 * loads the signed-in user from the API into `locals` and keeps signed-out visitors on the
 * sign-in and sign-up pages. Calls to the API go out as the server's own requests.
 */
import { error, redirect, type Handle, type HandleFetch, type RequestEvent } from '@sveltejs/kit';
import { env } from '$env/dynamic/private';
import { meResponse, SESSION_COOKIE } from '@familyhub/shared';
import { apiOrigin, ApiError, clearSessionCookie, createApi } from '$lib/server/api';

const PUBLIC_PATHS = ['/signin', '/signup'];
const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '[::1]']);

/**
 * On one machine the app answers at localhost and at 127.0.0.1, but browsers keep cookies
 * per host name, SvelteKit accepts form posts only from the origin it is served at (ORIGIN
 * in production) and the API sends the Tempus callback back to localhost. So a page asked
 * for at a loopback address goes to the same page at localhost (or at ORIGIN, when that
 * is a localhost address), where sign-in, cookies and the callback all meet.
 */
function loopbackAlias(event: RequestEvent): string | null {
  if (event.request.method !== 'GET' && event.request.method !== 'HEAD') return null;
  const host = event.request.headers.get('host');
  if (!host) return null;
  const asked = new URL(`http://${host}`);
  if (!LOOPBACK_ADDRESSES.has(asked.hostname)) return null;
  const canonical = new URL(env.ORIGIN || `${event.url.protocol}//localhost:${asked.port}`);
  if (canonical.hostname !== 'localhost') return null;
  return `${canonical.origin}${event.url.pathname}${event.url.search}`;
}

export const handle: Handle = async ({ event, resolve }) => {
  const alias = loopbackAlias(event);
  if (alias) redirect(307, alias);

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

/**
 * SvelteKit's fetch stamps the page's Origin on the server's calls, and the API refuses
 * state-changing requests from browser pages of any origin but WEB_ORIGIN: a page reached
 * under another name (a LAN address to try it on a phone, another dev port) could not sign
 * in. These calls are the server's own, made after SvelteKit has checked the form's origin,
 * so they go out as server requests do: without an Origin.
 */
export const handleFetch: HandleFetch = ({ request, fetch }) =>
  request.url.startsWith(`${apiOrigin()}/`) ? globalThis.fetch(request) : fetch(request);
