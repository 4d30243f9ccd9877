import { describe, expect, it } from 'vitest';
import { handOn, type SyncedChanges } from './synced-changes.js';

const applied = (n: number): SyncedChanges => ({
  familyId: 'f',
  ownerUserId: 'u',
  source: { kind: 'tempus', id: 'a' },
  changes: Array.from({ length: n }, (_, i) => ({ eventId: `e${i}`, externalId: `x${i}`, action: 'created' as const, before: null, after: null })),
});

describe('handing a sync’s changes on', () => {
  it('never lets a failing listener throw into the sync; the error is reported', () => {
    const reported: unknown[] = [];
    expect(() =>
      handOn(
        () => {
          throw new Error('boom');
        },
        applied(1),
        (err) => reported.push(err),
      ),
    ).not.toThrow();
    expect(reported).toEqual([new Error('boom')]);
  });

  it('tells the listener nothing when the sync changed nothing', () => {
    const told: SyncedChanges[] = [];
    handOn((a) => told.push(a), applied(0), () => undefined);
    handOn((a) => told.push(a), applied(2), () => undefined);
    expect(told.map((a) => a.changes.length)).toEqual([2]);
  });
});
