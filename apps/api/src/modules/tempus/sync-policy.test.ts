import { describe, expect, it } from 'vitest';
import { DAY_MS, MAX_LISTING_MS, nextRegularSync, reconcileWindow, syncTypeFor, syncWindow } from './sync-policy.js';

const now = new Date('2026-12-01T06:30:00Z');
const at = (ms: number) => new Date(now.getTime() + ms);

describe('syncWindow', () => {
  it('reaches exactly the configured days back and ahead of now', () => {
    const window = syncWindow(now, { pastDays: 30, futureDays: 60 });
    expect(window.from.toISOString()).toBe('2026-11-01T06:30:00.000Z');
    expect(window.to.toISOString()).toBe('2027-01-30T06:30:00.000Z');
  });
});

describe('reconcileWindow', () => {
  const window = syncWindow(now, { pastDays: 30, futureDays: 60 });

  it('keeps the window when the calendar holds nothing beyond it', () => {
    expect(reconcileWindow(window, undefined)).toEqual(window);
    expect(reconcileWindow(window, window.to)).toEqual(window);
    expect(reconcileWindow(window, at(DAY_MS))).toEqual(window);
  });

  it('reaches ahead to the latest event in the calendar', () => {
    const latest = at(200 * DAY_MS);
    expect(reconcileWindow(window, latest)).toEqual({ from: window.from, to: latest });
  });

  it('never asks Tempus for more than 400 days', () => {
    const reconciled = reconcileWindow(window, at(900 * DAY_MS));
    expect(reconciled.to.getTime() - reconciled.from.getTime()).toBe(MAX_LISTING_MS);
  });
});

describe('syncTypeFor', () => {
  it('is initial without a cursor, full once a day, incremental in between', () => {
    expect(syncTypeFor({ syncCursor: null, lastFullSyncAt: null }, now)).toBe('initial');
    expect(syncTypeFor({ syncCursor: now, lastFullSyncAt: null }, now)).toBe('full');
    expect(syncTypeFor({ syncCursor: now, lastFullSyncAt: at(-DAY_MS) }, now)).toBe('full');
    expect(syncTypeFor({ syncCursor: now, lastFullSyncAt: at(-DAY_MS + 1) }, now)).toBe('incremental');
  });
});

describe('nextRegularSync', () => {
  it('is never sooner than the minimum interval, and at most 10 % later, by the random draw', () => {
    const interval = 900_000;
    expect(nextRegularSync(now, interval, () => 0)).toEqual(at(interval));
    expect(nextRegularSync(now, interval, () => 1)).toEqual(at(1.1 * interval));
    expect(nextRegularSync(now, interval, () => 0.5)).toEqual(at(1.05 * interval));
  });
});
