/** The calendar's state lives in its URL (view, date, open event), so it works without JavaScript. */
import { addDays, addMonths, isCivilDate, startOfWeek, todayIn, type CivilDate } from './zoned-time.js';

export type CalendarView = 'week' | 'month';

export interface CalendarState {
  view: CalendarView;
  date: CivilDate;
  /** The event whose details are open. */
  event?: string | null;
  /** The day a new event is being created on. */
  create?: CivilDate | null;
}

export function readCalendarState(params: URLSearchParams, now = new Date()): CalendarState {
  const date = params.get('date') ?? '';
  const create = params.get('new') ?? '';
  return {
    view: params.get('view') === 'month' ? 'month' : 'week',
    date: isCivilDate(date) ? date : todayIn(undefined, now),
    event: params.get('event'),
    create: isCivilDate(create) ? create : null,
  };
}

export function calendarHref(state: CalendarState): string {
  const params = new URLSearchParams({ view: state.view, date: state.date });
  if (state.event) params.set('event', state.event);
  if (state.create) params.set('new', state.create);
  return `/calendar?${params}`;
}

/** The same view one week or month earlier (-1) or later (1). */
export function shiftedHref(state: CalendarState, direction: -1 | 1): string {
  const date = state.view === 'month' ? addMonths(state.date, direction) : addDays(startOfWeek(state.date), 7 * direction);
  return calendarHref({ view: state.view, date });
}
