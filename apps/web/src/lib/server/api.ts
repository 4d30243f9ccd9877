/**
 * The one way SvelteKit talks to the Family Hub API: `event.fetch` to `API_URL`, with the
 * browser's session cookie forwarded by hand (and no other cookie), responses checked
 * against the shared zod schemas, and errors turned into `ApiError`.
 */
import { env } from '$env/dynamic/private';
import type { RequestEvent } from '@sveltejs/kit';
import { errorBody, SESSION_COOKIE } from '@familyhub/shared';
import type { z } from 'zod';

export function apiOrigin(): string {
  return (env.API_URL ?? 'http://localhost:3000').replace(/\/$/, '');
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRequest {
  method?: Method;
  body?: unknown;
  signal?: AbortSignal;
  /** A session to use instead of the browser's cookie (right after signing in). */
  session?: string;
  /** Extra request headers passed through to the API. */
  headers?: Record<string, string>;
}

export type Api = ReturnType<typeof createApi>;

export function createApi(event: Pick<RequestEvent, 'fetch' | 'cookies' | 'getClientAddress' | 'url'>) {
  async function send(path: string, request: ApiRequest = {}): Promise<Response> {
    const session = request.session ?? event.cookies.get(SESSION_COOKIE);
    // The API trusts these from its own host: per-visitor rate limits and Secure cookies.
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-forwarded-for': event.getClientAddress(),
      'x-forwarded-proto': event.url.protocol.replace(':', ''),
    };
    Object.assign(headers, request.headers);
    if (session) headers.cookie = `${SESSION_COOKIE}=${session}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await event.fetch(`${apiOrigin()}${path}`, {
        method: request.method ?? 'GET',
        headers,
        // SvelteKit would otherwise pass along every cookie of the browser's host.
        credentials: 'omit',
        ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
        ...(request.signal && { signal: request.signal }),
      });
    } catch (err) {
      if (request.signal?.aborted) throw err;
      throw new ApiError(503, 'api_unreachable', 'The API did not answer.');
    }
    if (!response.ok) {
      const parsed = errorBody.safeParse(await response.json().catch(() => null));
      throw parsed.success
        ? new ApiError(response.status, parsed.data.error, parsed.data.message)
        : new ApiError(response.status, 'internal_error', `The API answered ${response.status}.`);
    }
    return response;
  }

  /** Calls the API and returns its answer checked against `schema`. */
  async function call<S extends z.ZodType>(path: string, schema: S, request: ApiRequest = {}): Promise<z.infer<S>> {
    const response = await send(path, request);
    return schema.parse(await response.json());
  }

  /** Calls the API for an answer without a body (204). */
  async function run(path: string, request: ApiRequest = {}): Promise<void> {
    await send(path, request);
  }

  return { send, call, run };
}

/** The `fh_session` value the API set, exactly as sent, with its expiry. */
export function sessionFromResponse(response: Response): { value: string; expires: Date | undefined } | null {
  for (const header of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = header.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    const expires = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('expires='));
    return { value: pair.slice(eq + 1).trim(), expires: expires ? new Date(expires.slice('expires='.length)) : undefined };
  }
  return null;
}

/**
 * Gives the browser the API's session cookie under the same name and byte for byte the
 * same value: the Tempus callback goes from the browser straight to the API, which only
 * accepts it with the cookie that started the connect.
 */
export function setSessionCookie(event: Pick<RequestEvent, 'cookies' | 'url'>, session: { value: string; expires: Date | undefined }) {
  event.cookies.set(SESSION_COOKIE, session.value, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: event.url.protocol === 'https:',
    encode: (v) => v,
    ...(session.expires && { expires: session.expires }),
  });
}

export function clearSessionCookie(event: Pick<RequestEvent, 'cookies'>) {
  event.cookies.delete(SESSION_COOKIE, { path: '/' });
}
