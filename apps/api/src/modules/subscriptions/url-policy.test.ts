import { describe, expect, it } from 'vitest';
import { isAllowedAddress, parseFeedUrl } from './url-policy.js';

describe('feed URL policy', () => {
  it('reads webcal:// as https:// and keeps the rest', () => {
    expect(parseFeedUrl(' webcal://calendar.example.se/ical/abc/basic.ics?token=x ').href).toBe('https://calendar.example.se/ical/abc/basic.ics?token=x');
    expect(parseFeedUrl('WEBCALS://calendar.example.se/a.ics').protocol).toBe('https:');
  });

  it.each(['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/', 'http://127.1/', 'http://0x08080808/'])('refuses the numeric IPv4 form %s', (url) => {
    expect(() => parseFeedUrl(url)).toThrow(expect.objectContaining({ code: 'url_not_allowed' }));
  });

  it.each(['ftp://example.se/a.ics', 'javascript:alert(1)', 'http://user:pw@example.se/', 'example.se/a.ics', `https://example.se/${'a'.repeat(2100)}`])(
    'refuses %s as not a feed address',
    (url) => {
      expect(() => parseFeedUrl(url)).toThrow(expect.objectContaining({ code: 'invalid_url' }));
    },
  );

  it.each([
    ['8.8.8.8', true],
    ['2001:4860:4860::8888', true],
    ['127.0.0.1', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd00::1', false],
    ['::ffff:8.8.8.8', false],
    ['2002:7f00:1::', false],
    ['not-an-address', false],
  ])('counts %s as public: %s', (address, allowed) => {
    expect(isAllowedAddress(address, false)).toBe(allowed);
  });

  it('allows private addresses only when told to, and IPv4-mapped ones never', () => {
    expect(isAllowedAddress('127.0.0.1', true)).toBe(true);
    expect(isAllowedAddress('::ffff:127.0.0.1', true)).toBe(false);
  });
});
