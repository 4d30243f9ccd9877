import { describe, expect, it } from 'vitest';
import { subscriptionErrorText, subscriptionStateLabel, subscriptionSyncText } from './wording';

describe('subscription wording', () => {
  it('names each state in Swedish', () => {
    expect(subscriptionStateLabel({ state: 'failing' })).toEqual({ text: 'Kan inte läsas', tone: 'error' });
    expect(subscriptionStateLabel({ state: 'paused' }).text).toBe('Pausad');
  });

  it('says what a sync changed', () => {
    const sync = { status: 'succeeded' as const, notModified: false, created: 2, updated: 1, deleted: 0, error: null };
    expect(subscriptionSyncText(sync)).toBe('2 nya, 1 ändrad');
    expect(subscriptionSyncText({ ...sync, notModified: true })).toBe('inga ändringar');
  });

  it('explains feed errors and falls back for unknown codes', () => {
    expect(subscriptionErrorText('feed_not_icalendar')).toContain('.ics');
    expect(subscriptionErrorText('something_new')).toContain('Försök igen');
  });
});
