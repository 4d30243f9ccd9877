/**
 * How calendar subscriptions are put into words: their states, why a feed could not be
 * read (with what to do about it) and what a sync changed. All user-facing text is Swedish.
 */
import type { CalendarSubscription, SubscriptionSync } from '@familyhub/shared';
import type { Tone } from '$lib/stores/toasts.svelte';

export function subscriptionStateLabel(subscription: Pick<CalendarSubscription, 'state'>): { text: string; tone: Tone } {
  switch (subscription.state) {
    case 'active':
      return { text: 'Aktiv', tone: 'ok' };
    case 'failing':
      return { text: 'Kan inte läsas', tone: 'error' };
    case 'paused':
      return { text: 'Pausad', tone: 'info' };
  }
}

const FEED_ERRORS: Record<string, string> = {
  url_not_allowed: 'Länken pekar på en adress som Familjehubben inte får hämta från (till exempel ett internt nätverk).',
  feed_unreachable: 'Vi kunde inte nå servern som länken pekar på. Kontrollera att länken är rätt.',
  feed_timeout: 'Servern som länken pekar på svarade inte i tid. Vi försöker igen automatiskt.',
  feed_http_error: 'Servern svarade med ett fel. Länken kan ha gått ut eller bytts ut – hämta en ny länk i appen.',
  feed_too_large: 'Kalendern är för stor (mer än 5 MB eller 50 000 händelser det närmaste året).',
  feed_not_icalendar: 'Länken ger ingen kalender. Kontrollera att du kopierat prenumerationslänken (den slutar ofta på .ics).',
  feed_unreadable: 'Vi kunde inte läsa kalendern bakom länken.',
  validation_error: 'Det där ser inte ut som en länk. Klistra in hela adressen, till exempel https://… eller webcal://…',
  already_subscribed: 'Familjen prenumererar redan på den kalendern.',
  too_many_subscriptions: 'Familjen har redan så många prenumerationer som går.',
  sync_disabled: 'Prenumerationen är pausad. Slå på den först.',
  not_owner: 'Bara den förälder som lade till prenumerationen kan ändra den.',
  busy: 'Prenumerationen synkas redan. Försök igen om en stund.',
  database_unavailable: 'Familjehubben svarar inte just nu. Försök igen om en stund.',
  internal_error: 'Något gick fel hos oss. Försök igen om en stund.',
};

/** Swedish text for why a feed could not be read or a subscription changed, by the API's code. */
export function subscriptionErrorText(code: string): string {
  return FEED_ERRORS[code] ?? 'Något gick fel med prenumerationen. Försök igen om en stund.';
}

/** "2 nya, 1 ändrad", "inga ändringar". */
export function subscriptionSyncText(sync: SubscriptionSync): string {
  if (sync.notModified) return 'inga ändringar';
  const parts = [
    sync.created > 0 ? `${sync.created} ${sync.created === 1 ? 'ny' : 'nya'}` : null,
    sync.updated > 0 ? `${sync.updated} ${sync.updated === 1 ? 'ändrad' : 'ändrade'}` : null,
    sync.deleted > 0 ? `${sync.deleted} ${sync.deleted === 1 ? 'borttagen' : 'borttagna'}` : null,
  ].filter((p): p is string => p !== null);
  return parts.length > 0 ? parts.join(', ') : 'inga ändringar';
}
