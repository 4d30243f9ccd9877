import { describe, expect, it } from 'vitest';
import { holderName, syncHealth } from './sync-health';

const now = new Date('2026-03-24T06:30:00Z');
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();
const account = (overrides: Partial<Parameters<typeof syncHealth>[0]> = {}) => ({
  state: 'active' as const,
  syncEnabled: true,
  lastSyncAt: hoursAgo(1),
  lastSuccessAt: hoursAgo(1),
  syncIntervalSeconds: 6 * 3600,
  ...overrides,
});

describe('Tempus sync health on the calendar', () => {
  it('asks for a reconnect when Tempus no longer accepts the grant', () => {
    expect(syncHealth(account({ state: 'reauth_required' }), now)).toBe('reconnect');
  });

  it('calls the shifts stale after more than twice the expected interval without a success', () => {
    expect(syncHealth(account({ lastSuccessAt: hoursAgo(12) }), now)).toBe('ok');
    expect(syncHealth(account({ lastSuccessAt: hoursAgo(12.1) }), now)).toBe('stale');
    expect(syncHealth(account({ lastSuccessAt: hoursAgo(2.1), syncIntervalSeconds: 3600 }), now)).toBe('stale');
  });

  it('calls a first sync that failed stale, but not one still running', () => {
    expect(syncHealth(account({ lastSuccessAt: null }), now)).toBe('stale');
    expect(syncHealth(account({ lastSuccessAt: null, lastSyncAt: null }), now)).toBe('ok');
  });

  it('leaves a paused account alone', () => {
    expect(syncHealth(account({ syncEnabled: false, state: 'disabled', lastSuccessAt: hoursAgo(100) }), now)).toBe('ok');
  });

  it('names the Tempus account holder, not whoever connected it', () => {
    expect(holderName({ name: 'Karin Andersson', email: 'k@a.se', ownerName: 'Karin Persson' })).toBe('Karin Andersson');
    expect(holderName({ name: null, email: 'k@a.se', ownerName: 'Karin Persson' })).toBe('k@a.se');
  });
});
