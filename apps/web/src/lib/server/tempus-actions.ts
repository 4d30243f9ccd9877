/**
 * The form actions that act on a Tempus account from more than one page (the settings and
 * the calendar's banner): connect (or reconnect) and "Synka nu". A sync's answer names
 * the Tempus account holder, in the same words as the toasts.
 */
import { fail, redirect, type RequestEvent } from '@sveltejs/kit';
import { connectResponse, syncFinishedResponse, tempusStatusResponse } from '@familyhub/shared';
import type { Tone } from '$lib/stores/toasts.svelte';
import { holderName } from '$lib/tempus/sync-health';
import { syncNotice } from '$lib/tempus/wording';
import { ApiError, createApi } from './api';
import { apiErrorMessage } from './api-error-messages';

export interface ActionMessage {
  accountId: string | null;
  tone: Tone;
  text: string;
}

export function refused(err: unknown, accountId: string | null) {
  if (!(err instanceof ApiError)) throw err;
  const message: ActionMessage = { accountId, tone: 'error', text: apiErrorMessage(err.code) };
  return fail(err.status >= 500 ? 503 : err.status, { message });
}

export const accountIdOf = (data: FormData) => String(data.get('accountId') ?? '');

/** Sends the parent to Tempus's consent page. */
export async function connectTempus(event: RequestEvent) {
  let authorizeUrl: string;
  try {
    ({ authorizeUrl } = await createApi(event).call('/api/tempus/connect', connectResponse, { method: 'POST' }));
  } catch (err) {
    return refused(err, null);
  }
  redirect(303, authorizeUrl);
}

/** Syncs one account now and says how it went. */
export async function syncTempusAccount(event: RequestEvent) {
  const accountId = accountIdOf(await event.request.formData());
  const api = createApi(event);
  try {
    const { syncs } = await api.call('/api/tempus/sync?wait=true', syncFinishedResponse, { method: 'POST', body: { accountId } });
    const { accounts } = await api.call('/api/tempus/status', tempusStatusResponse);
    const account = accounts.find((a) => a.id === accountId);
    const sync = syncs[0];
    const notice = sync && syncNotice({ ...sync, trigger: 'manual' }, account ? holderName(account) : undefined);
    const message: ActionMessage = { accountId, ...(notice ?? { tone: 'ok', text: 'Tempus: Inga ändringar.' }) };
    return { message };
  } catch (err) {
    return refused(err, accountId);
  }
}
