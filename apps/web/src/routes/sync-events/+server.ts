/**
 * The browser's window onto the API's sync event stream: the same Server-Sent Events,
 * fetched with the session cookie so the browser never talks to the API itself.
 */
import { error, type RequestHandler } from '@sveltejs/kit';
import { ApiError, createApi } from '$lib/server/api';

export const GET: RequestHandler = async (event) => {
  try {
    // EventSource names the last event it saw when it reconnects; the API replays what followed.
    const lastEventId = event.request.headers.get('last-event-id');
    const upstream = await createApi(event).send('/api/tempus/stream', {
      signal: event.request.signal,
      ...(lastEventId && { headers: { 'last-event-id': lastEventId } }),
    });
    return new Response(upstream.body, {
      headers: {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        'x-accel-buffering': 'no',
      },
    });
  } catch (err) {
    // The page went away (a reload, a closed tab) before the stream opened: nobody to answer.
    if (event.request.signal.aborted) return new Response(null, { status: 204 });
    if (err instanceof ApiError) error(err.status === 404 ? 404 : 502, { message: 'Synkhändelser är inte tillgängliga.' });
    throw err;
  }
};
