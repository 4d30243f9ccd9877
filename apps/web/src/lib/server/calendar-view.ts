/**
 * Which calendar view a visitor sees when the URL names none: the one they chose last
 * (a cookie), else the day list on a phone and the week on anything larger.
 */
import type { Cookies } from '@sveltejs/kit';
import { isCalendarView, type CalendarView } from '$lib/calendar/calendar-url';

const VIEW_COOKIE = 'fh_calendar_view';
const YEAR_S = 365 * 86_400;

/** Phones say so in the User-Agent ("Mobi", as MDN recommends) and in Sec-CH-UA-Mobile. */
export function isPhone(request: Request): boolean {
  return request.headers.get('sec-ch-ua-mobile') === '?1' || /Mobi/i.test(request.headers.get('user-agent') ?? '');
}

export function rememberedView(cookies: Cookies, request: Request): CalendarView {
  const chosen = cookies.get(VIEW_COOKIE);
  if (isCalendarView(chosen)) return chosen;
  return isPhone(request) ? 'days' : 'week';
}

export function rememberView(cookies: Cookies, url: URL, view: CalendarView) {
  if (cookies.get(VIEW_COOKIE) === view) return;
  cookies.set(VIEW_COOKIE, view, { path: '/', maxAge: YEAR_S, httpOnly: true, sameSite: 'lax', secure: url.protocol === 'https:' });
}
