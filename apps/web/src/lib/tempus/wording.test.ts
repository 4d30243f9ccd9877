import type { SyncSummary } from '@familyhub/shared';
import { describe, expect, it } from 'vitest';
import { accountStateLabel, connectResult, errorAdvice, syncChanges, syncNotice } from './wording';

const sync = (overrides: Partial<SyncSummary>): SyncSummary => ({
  id: '00000000-0000-4000-8000-000000000001',
  accountId: '00000000-0000-4000-8000-000000000002',
  type: 'incremental',
  trigger: 'schedule',
  status: 'succeeded',
  fetched: 0,
  created: 0,
  updated: 0,
  deleted: 0,
  requests: 1,
  error: null,
  startedAt: '2026-03-28T10:00:00Z',
  finishedAt: '2026-03-28T10:00:01Z',
  ...overrides,
});

describe('Tempus wording', () => {
  it('counts changes with Swedish singular and plural', () => {
    expect(syncChanges({ created: 3, updated: 1, deleted: 0 })).toBe('3 nya pass, 1 ändrat');
    expect(syncChanges({ created: 1, updated: 2, deleted: 1 })).toBe('1 nytt pass, 2 ändrade, 1 borttaget');
    expect(syncChanges({ created: 0, updated: 0, deleted: 2 })).toBe('2 borttagna');
    expect(syncChanges({ created: 0, updated: 0, deleted: 0 })).toBe('inga ändringar');
  });

  it('announces finished syncs that changed something, failed or were asked for', () => {
    expect(syncNotice(sync({ created: 3, updated: 1 }))).toEqual({ tone: 'ok', text: 'Tempus: 3 nya pass, 1 ändrat.' });
    expect(syncNotice(sync({ trigger: 'manual' }))).toEqual({ tone: 'ok', text: 'Tempus: Inga ändringar.' });
    expect(syncNotice(sync({}))).toBeNull();
    expect(syncNotice(sync({ status: 'running' }))).toBeNull();
    expect(syncNotice(sync({ status: 'failed', error: { code: 'invalid_grant', message: 'x' } }), 'Anna')).toEqual({
      tone: 'error',
      text: 'Tempus-synken misslyckades (Anna): Anslutningen har gått ut — anslut igen.',
    });
  });

  it('tells the family what to do about each error code', () => {
    expect(errorAdvice('invalid_grant')).toMatchObject({ message: 'Anslutningen har gått ut — anslut igen.', reconnect: true });
    expect(errorAdvice('insufficient_scope').reconnect).toBe(true);
    for (const code of ['rate_limited', 'unavailable', 'circuit_open', 'version_removed', 'invalid_response', 'network_error', 'request_failed', 'sync_disabled', 'internal_error']) {
      expect(errorAdvice(code).reconnect, code).toBe(false);
      expect(errorAdvice(code).message, code).not.toBe(errorAdvice('something_new').message);
    }
    expect(errorAdvice('something_new').message).toBe('Något gick fel med synken.');
  });

  it('labels account states, a paused active account as paused', () => {
    expect(accountStateLabel({ state: 'active', syncEnabled: true })).toEqual({ text: 'Aktiv', tone: 'ok' });
    expect(accountStateLabel({ state: 'active', syncEnabled: false }).text).toBe('Pausad');
    expect(accountStateLabel({ state: 'reauth_required', syncEnabled: true }).tone).toBe('error');
  });

  it('explains the result of the connect flow', () => {
    expect(connectResult(new URLSearchParams('connected=abc'))?.tone).toBe('ok');
    expect(connectResult(new URLSearchParams('error=access_denied'))?.text).toMatch(/nekade/);
    expect(connectResult(new URLSearchParams('error=weird'))?.text).toMatch(/misslyckades/);
    expect(connectResult(new URLSearchParams(''))).toBeNull();
  });
});
