import { afterEach, describe, expect, it, vi } from 'vitest';
import { askingToSync, isOwnSync } from './own-syncs';

describe('syncs asked for in this browser', () => {
  afterEach(() => void vi.useRealTimers());

  it('are ours from the ask until a while after the answer, manual ones only', () => {
    vi.useFakeTimers({ now: 0 });
    const sync = { accountId: 'a', trigger: 'manual' as const };
    expect(isOwnSync(sync)).toBe(false);
    const ask = askingToSync('a');
    vi.setSystemTime(60_000);
    expect(isOwnSync(sync)).toBe(true);
    expect(isOwnSync({ ...sync, trigger: 'schedule' })).toBe(false);
    expect(isOwnSync({ ...sync, accountId: 'b' })).toBe(false);
    ask.answered();
    vi.setSystemTime(70_000);
    expect(isOwnSync(sync)).toBe(true);
    vi.setSystemTime(80_000);
    expect(isOwnSync(sync)).toBe(false);
  });
});
