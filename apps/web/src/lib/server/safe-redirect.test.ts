import { describe, expect, it } from 'vitest';
import { sameOriginPath } from './safe-redirect';

const origin = 'https://familjehubben.example';

describe('redirect targets after sign-in', () => {
  it('keeps a path of this app with its query and hash', () => {
    expect(sameOriginPath('/calendar?view=week&date=2026-12-01#top', origin)).toBe('/calendar?view=week&date=2026-12-01#top');
    expect(sameOriginPath('/settings', origin)).toBe('/settings');
  });

  it.each([
    ['//evil.example'],
    ['/\\evil.example'],
    ['/\\/evil.example'],
    ['/\t/evil.example'],
    ['/\n/evil.example'],
    ['/\r\n/evil.example'],
    ['https://evil.example/calendar'],
    ['evil.example'],
    ['javascript:alert(1)'],
    [''],
  ])('never leaves the site for %j', (target) => {
    const path = sameOriginPath(target, origin);
    expect(path).toBe('/calendar');
    expect(new URL(path, origin).origin).toBe(origin);
  });

  it('falls back when there is no target', () => {
    expect(sameOriginPath(null, origin)).toBe('/calendar');
  });
});
