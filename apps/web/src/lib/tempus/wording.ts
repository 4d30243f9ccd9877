/**
 * How the Tempus integration is put into words: account states, sync results, sync error
 * codes (with what the family can do about them) and the results of the connect flow.
 * All user-facing text is Swedish.
 */
import type { AccountState, ConnectErrorCode, SyncSummary, TempusAccount } from '@familyhub/shared';
import type { Tone } from '$lib/stores/toasts.svelte';

export interface StateLabel {
  text: string;
  tone: Tone;
}

export function accountStateLabel(account: Pick<TempusAccount, 'state' | 'syncEnabled'>): StateLabel {
  const labels: Record<AccountState, StateLabel> = {
    active: { text: 'Aktiv', tone: 'ok' },
    reauth_required: { text: 'Behöver anslutas igen', tone: 'error' },
    disabled: { text: 'Pausad', tone: 'info' },
  };
  if (account.state === 'active' && !account.syncEnabled) return labels.disabled;
  return labels[account.state];
}

export interface ErrorAdvice {
  /** What happened, in plain Swedish. */
  message: string;
  /** What the family can do about it. */
  action: string;
  /** Whether only connecting the account again fixes it. */
  reconnect: boolean;
}

const ERROR_ADVICE: Record<string, ErrorAdvice> = {
  invalid_grant: {
    message: 'Anslutningen har gått ut — anslut igen.',
    action: 'Tempus godkänner inte längre Familjehubbens behörighet. Anslut kontot igen så hämtas passen som vanligt.',
    reconnect: true,
  },
  reauth_required: {
    message: 'Anslutningen har gått ut — anslut igen.',
    action: 'Tempus godkänner inte längre Familjehubbens behörighet. Anslut kontot igen så hämtas passen som vanligt.',
    reconnect: true,
  },
  insufficient_scope: {
    message: 'Familjehubben saknar behörighet att läsa schemat.',
    action: 'Anslut igen och godkänn alla behörigheter som Tempus frågar om.',
    reconnect: true,
  },
  rate_limited: {
    message: 'Tempus bad oss vänta en stund.',
    action: 'Inget du behöver göra — vi försöker igen automatiskt.',
    reconnect: false,
  },
  unavailable: {
    message: 'Tempus svarar inte just nu.',
    action: 'Inget du behöver göra — vi försöker igen automatiskt. Passen som redan finns ligger kvar.',
    reconnect: false,
  },
  circuit_open: {
    message: 'Tempus har haft problem en stund, så vi väntar lite innan nästa försök.',
    action: 'Inget du behöver göra — synken startar igen av sig själv.',
    reconnect: false,
  },
  version_removed: {
    message: 'Tempus har ändrat sitt gränssnitt och vi kan inte hämta pass just nu.',
    action: 'Vi arbetar på en lösning. Passen som redan finns ligger kvar.',
    reconnect: false,
  },
  invalid_response: {
    message: 'Tempus skickade uppgifter som vi inte kunde läsa.',
    action: 'Vi försöker igen vid nästa synk. Passen som redan finns ligger kvar.',
    reconnect: false,
  },
  network_error: {
    message: 'Vi kunde inte nå Tempus.',
    action: 'Vi försöker igen automatiskt. Passen som redan finns ligger kvar.',
    reconnect: false,
  },
  request_failed: {
    message: 'Synken misslyckades.',
    action: 'Försök igen om en stund.',
    reconnect: false,
  },
  sync_disabled: {
    message: 'Synken är avstängd för det här kontot.',
    action: 'Slå på synken för att hämta pass igen.',
    reconnect: false,
  },
  internal_error: {
    message: 'Något gick fel hos oss.',
    action: 'Försök igen om en stund.',
    reconnect: false,
  },
};

const UNKNOWN_ERROR: ErrorAdvice = {
  message: 'Något gick fel med synken.',
  action: 'Försök igen om en stund.',
  reconnect: false,
};

/** The advice for a sync error code, or undefined for a code without words of its own. */
export function knownErrorAdvice(code: string): ErrorAdvice | undefined {
  return ERROR_ADVICE[code];
}

export function errorAdvice(code: string): ErrorAdvice {
  return knownErrorAdvice(code) ?? UNKNOWN_ERROR;
}

function count(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 nya pass, 1 ändrat, 2 borttagna", or "inga ändringar". */
export function syncChanges(sync: Pick<SyncSummary, 'created' | 'updated' | 'deleted'>): string {
  const parts = [
    sync.created > 0 ? count(sync.created, 'nytt pass', 'nya pass') : null,
    sync.updated > 0 ? count(sync.updated, 'ändrat', 'ändrade') : null,
    sync.deleted > 0 ? count(sync.deleted, 'borttaget', 'borttagna') : null,
  ].filter((part): part is string => part !== null);
  return parts.length > 0 ? parts.join(', ') : 'inga ändringar';
}

export interface SyncNotice {
  tone: Tone;
  text: string;
}

/**
 * The toast shown when a sync of one of the family's accounts ends, or null when there is
 * nothing worth interrupting for: a background sync that changed nothing.
 */
export function syncNotice(sync: SyncSummary, ownerName?: string): SyncNotice | null {
  const whose = ownerName ? ` (${ownerName})` : '';
  if (sync.status === 'failed') {
    const advice = errorAdvice(sync.error?.code ?? 'request_failed');
    return { tone: 'error', text: `Tempus-synken misslyckades${whose}: ${advice.message}` };
  }
  if (sync.status === 'running') return null;
  const changes = syncChanges(sync);
  if (changes === 'inga ändringar' && sync.trigger !== 'manual') return null;
  return { tone: 'ok', text: `Tempus${whose}: ${changes.charAt(0).toUpperCase()}${changes.slice(1)}.` };
}

export const SYNC_TRIGGER_LABELS: Record<SyncSummary['trigger'], string> = {
  connect: 'Vid anslutning',
  schedule: 'Automatisk',
  manual: 'Manuell',
  admin: 'Av support',
};

/** The message the settings page shows after Tempus sent the browser back to it. */
export function connectResult(params: URLSearchParams): SyncNotice | null {
  if (params.has('connected')) {
    return { tone: 'ok', text: 'Tempus är anslutet! Passen hämtas nu och syns i kalendern om en liten stund.' };
  }
  const code = params.get('error');
  if (code === null) return null;
  const messages: Record<ConnectErrorCode, string> = {
    access_denied: 'Du nekade Familjehubben åtkomst i Tempus, så inget kopplades. Försök igen om du ångrar dig.',
    invalid_state: 'Anslutningen tog för lång tid eller startades i en annan flik. Börja om med knappen nedan.',
    exchange_failed: 'Tempus kunde inte slutföra anslutningen. Försök igen om en stund.',
    profile_failed: 'Vi kunde inte läsa din profil i Tempus. Försök igen om en stund.',
    not_parent: 'Bara föräldrar kan ansluta Tempus.',
  };
  return { tone: 'error', text: messages[code as ConnectErrorCode] ?? 'Anslutningen till Tempus misslyckades. Försök igen.' };
}
