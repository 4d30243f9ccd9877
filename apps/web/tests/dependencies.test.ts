/**
 * Advisories in packages that arrive through the framework, held off by the root
 * package.json's pnpm overrides: this proves what SvelteKit actually loads.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const webRoot = fileURLToPath(new URL('..', import.meta.url));
/** Resolves a module the way SvelteKit's own files do (from its real folder in the store). */
const requireFromKit = createRequire(path.join(realpathSync(path.join(webRoot, 'node_modules/@sveltejs/kit')), 'package.json'));

describe('the cookie package SvelteKit uses (GHSA-pxg6-pf52-xh8x)', () => {
  it('is 0.7.0 or later', () => {
    const { version } = JSON.parse(readFileSync(requireFromKit.resolve('cookie/package.json'), 'utf8')) as { version: string };
    const [major = 0, minor = 0] = version.split('.').map(Number);
    expect(major > 0 || minor >= 7, `cookie ${version}`).toBe(true);
  });

  it('refuses a path or domain that would smuggle in another cookie attribute', () => {
    const { serialize } = requireFromKit('cookie') as { serialize(name: string, value: string, options?: object): string };
    expect(serialize('fh_session', 'abc', { path: '/' })).toBe('fh_session=abc; Path=/');
    expect(() => serialize('fh_session', 'abc', { path: '/; Domain=evil.example' })).toThrow(TypeError);
    expect(() => serialize('fh_session', 'abc', { domain: 'example.se; SameSite=None' })).toThrow(TypeError);
  });
});
