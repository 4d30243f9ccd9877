/** The calendar's state lives in its URL (view, date, open event), so it works without JavaScript. */
import { monthWeeks } from './month-layout.js';
import { addDays, addMonths, isCivilDate, startOfWeek, todayIn, weekDays, type CivilDate } from './zoned-time.js';

export const CALENDAR_VIEWS = ['days', 'week', 'month'] as const;
export type CalendarView = (typeof CALENDAR_VIEWS)[number];

/** How many days the day list shows: the anchor day and the six after it. */
export const LISTED_DAYS = 7;

export function isCalendarView(value: string | null | undefined): value is CalendarView {
  return CALENDAR_VIEWS.includes(value as CalendarView);
}

export interface CalendarState {
  view: CalendarView;
  date: CivilDate;
  /** The event whose details are open. */
  event?: string | null;
  /** The day a new event is being created on. */
  create?: CivilDate | null;
  /** The event just added, confirmed above the calendar. */
  added?: string | null;
}

/** The state a URL asks for; without a view in it, `fallback` (the remembered or the device's). */
export function readCalendarState(params: URLSearchParams, now = new Date(), fallback: CalendarView = 'week'): CalendarState {
  const date = params.get('date') ?? '';
  const create = params.get('new') ?? '';
  const view = params.get('view');
  return {
    view: isCalendarView(view) ? view : fallback,
    date: isCivilDate(date) ? date : todayIn(undefined, now),
    event: params.get('event'),
    create: isCivilDate(create) ? create : null,
    added: params.get('added'),
  };
}

export function calendarHref(state: CalendarState): string {
  const params = new URLSearchParams({ view: state.view, date: state.date });
  if (state.event) params.set('event', state.event);
  if (state.create) params.set('new', state.create);
  if (state.added) params.set('added', state.added);
  return `/calendar?${params}`;
}

/** The same view one page earlier (-1) or later (1): a week of days, a week or a month. */
export function shiftedHref(state: CalendarState, direction: -1 | 1): string {
  const date =
    state.view === 'month' ? addMonths(state.date, direction)
    : state.view === 'week' ? addDays(startOfWeek(state.date), 7 * direction)
    : addDays(state.date, LISTED_DAYS * direction);
  return calendarHref({ view: state.view, date });
}

/** The days a view shows, first to last. */
export function visibleDays(state: Pick<CalendarState, 'view' | 'date'>): CivilDate[] {
  if (state.view === 'month') return monthWeeks(state.date).flat();
  if (state.view === 'week') return weekDays(state.date);
  return Array.from({ length: LISTED_DAYS }, (_, i) => addDays(state.date, i));
}
