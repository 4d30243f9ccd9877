import type { Cookies } from '@sveltejs/kit';
import { describe, expect, it } from 'vitest';
import { isPhone, rememberedView } from './calendar-view';

const ANDROID = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
const DESKTOP = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

const request = (headers: Record<string, string>) => new Request('http://localhost/calendar', { headers });
const cookies = (view?: string) => ({ get: (name: string) => (name === 'fh_calendar_view' ? view : undefined) }) as unknown as Cookies;

describe('the calendar view without one in the URL', () => {
  it('is the day list on a phone and the week elsewhere', () => {
    expect(isPhone(request({ 'user-agent': ANDROID }))).toBe(true);
    expect(isPhone(request({ 'user-agent': IPHONE }))).toBe(true);
    expect(isPhone(request({ 'user-agent': DESKTOP, 'sec-ch-ua-mobile': '?1' }))).toBe(true);
    expect(rememberedView(cookies(), request({ 'user-agent': ANDROID }))).toBe('days');
    expect(rememberedView(cookies(), request({ 'user-agent': DESKTOP, 'sec-ch-ua-mobile': '?0' }))).toBe('week');
  });

  it('is the one chosen last, and a cookie that names no view is ignored', () => {
    expect(rememberedView(cookies('month'), request({ 'user-agent': ANDROID }))).toBe('month');
    expect(rememberedView(cookies('year'), request({ 'user-agent': ANDROID }))).toBe('days');
  });
});
