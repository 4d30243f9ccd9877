import { error, fail, redirect } from '@sveltejs/kit';
import {
  createEventBody,
  eventResponse,
  eventsResponse,
  subscriptionsResponse,
  updateEventBody,
  type CalendarEvent,
  type EventsResponse,
} from '@familyhub/shared';
import { calendarHref, isCalendarView, readCalendarState, visibleDays, type CalendarState } from '$lib/calendar/calendar-url';
import { readDate, readTime } from '$lib/calendar/typed-input';
import { addDays, dayBounds, todayIn, zonedInstant } from '$lib/calendar/zoned-time';
import { ApiError, createApi } from '$lib/server/api';
import { isPhone, rememberedView, rememberView } from '$lib/server/calendar-view';
import { loadPickups } from '$lib/server/pickups';
import { fieldErrors, formError, formValues, type FieldErrors } from '$lib/server/forms';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import { connectTempus, syncTempusAccount } from '$lib/server/tempus-actions';
import type { Actions, PageServerLoad } from './$types';

/** Pages one visible range may take (each at most the API's page size): far beyond any real family's month. */
const MAX_PAGES = 10;

/** The family's events in [from, to), page after page as the API hands them out. */
async function readEvents(api: ReturnType<typeof createApi>, from: Date, to: Date): Promise<CalendarEvent[]> {
  const events: CalendarEvent[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
    if (cursor) query.set('cursor', cursor);
    const answer: EventsResponse = await api.call(`/api/calendar/events?${query}`, eventsResponse);
    events.push(...answer.events);
    cursor = answer.nextCursor;
    if (!cursor) break;
  }
  return events;
}

/**
 * Whether a family without Tempus gets its shifts from another shift app's calendar link:
 * then the first run does not ask a parent to connect Tempus. Asked only while that step could show.
 */
async function familySubscribes(event: Parameters<PageServerLoad>[0]): Promise<boolean> {
  const { user, tempus } = await event.parent();
  if (user?.role !== 'parent' || !tempus?.enabled || tempus.accounts.length > 0) return false;
  try {
    const { subscriptions } = await createApi(event).call('/api/calendar/subscriptions', subscriptionsResponse);
    return subscriptions.length > 0;
  } catch (err) {
    // The calendar does not fail for a hint: without the answer the step simply shows.
    if (err instanceof ApiError) return false;
    throw err;
  }
}

export const load = (async (event) => {
  event.depends('app:calendar');
  const { url, cookies, request } = event;
  const state = readCalendarState(url.searchParams, new Date(), rememberedView(cookies, request));
  if (isCalendarView(url.searchParams.get('view'))) rememberView(cookies, url, state.view);
  const days = visibleDays(state);
  const from = dayBounds(days[0]!).start;
  const to = dayBounds(days[days.length - 1]!).end;
  try {
    // The day list and the week show each day's handovers; the month has no room for them.
    const [events, pickups, hasSubscriptions] = await Promise.all([
      readEvents(createApi(event), from, to),
      state.view === 'month' ? [] : loadPickups(event, days[0]!, days[days.length - 1]!),
      familySubscribes(event),
    ]);
    return {
      state,
      events,
      pickups,
      hasSubscriptions,
      selected: events.find((e) => e.id === state.event) ?? null,
      added: events.find((e) => e.id === state.added) ?? null,
      // Until the page has measured its columns, the week is drawn for the device it is likely on.
      phone: isPhone(request),
    };
  } catch (err) {
    if (err instanceof ApiError) error(503, { message: 'Kalendern kunde inte hämtas just nu. Försök igen om en stund.' });
    throw err;
  }
}) satisfies PageServerLoad;

const EVENT_FIELDS = ['title', 'startDay', 'startTime', 'endDay', 'endTime', 'location', 'note'] as const;

const MESSAGES = {
  title: 'Ge händelsen en rubrik.',
  startDate: 'Ange när händelsen börjar.',
  endDate: 'Slutet måste komma efter början.',
  location: 'Platsen får vara högst 200 tecken.',
  note: 'Anteckningen får vara högst 2000 tecken.',
};

/**
 * Reads the event form: dates and times as typed (Swedish, 24-hour) become wall-clock
 * values in the family's zone and then instants. Values come back normalised ("930" is
 * shown as "09:30") so a form with an error shows what was understood.
 */
function readEventForm(data: FormData) {
  const typed = { ...formValues(data, EVENT_FIELDS), allDay: data.get('allDay') === 'on' ? 'on' : '' };
  const allDay = typed.allDay === 'on';
  const today = todayIn();
  const startDay = readDate(typed.startDay, today);
  const endDay = readDate(typed.endDay, today);
  const startTime = readTime(typed.startTime);
  const endTime = readTime(typed.endTime);
  const values = {
    ...typed,
    startDay: startDay ?? typed.startDay,
    endDay: endDay ?? typed.endDay,
    startTime: startTime ?? typed.startTime,
    endTime: endTime ?? typed.endTime,
  };
  const errors: FieldErrors = {};
  if (!startDay) errors.startDate = 'Skriv startdatumet som 2026-03-24.';
  if (!endDay) errors.endDate = 'Skriv slutdatumet som 2026-03-24.';
  if (!allDay && !startTime) errors.startDate = 'Skriv starttiden som 09:00.';
  if (!allDay && !endTime) errors.endDate = 'Skriv sluttiden som 10:00.';
  if (!startDay || !endDay || (!allDay && (!startTime || !endTime))) return { values, errors, body: null };
  const body = {
    title: values.title,
    allDay,
    // An all-day event covers whole local days: from the first midnight to the one after the last day.
    startDate: zonedInstant(startDay, allDay ? '00:00' : startTime!).toISOString(),
    endDate: allDay ? zonedInstant(addDays(endDay, 1)).toISOString() : zonedInstant(endDay, endTime!).toISOString(),
    location: values.location.trim() || null,
    note: values.note.trim() || null,
  };
  return { values, errors, body };
}

function backTo(data: FormData): CalendarState {
  const state = readCalendarState(new URLSearchParams({ view: String(data.get('view') ?? ''), date: String(data.get('date') ?? '') }));
  return { view: state.view, date: state.date };
}

function refused(err: unknown, values: Record<string, string> | null) {
  if (!(err instanceof ApiError)) throw err;
  return fail(err.status >= 500 ? 503 : err.status, { values, errors: formError(apiErrorMessage(err.code)) });
}

export const actions = {
  create: async (event) => {
    const data = await event.request.formData();
    const { values, errors, body } = readEventForm(data);
    if (!body) return fail(400, { values, errors });
    const parsed = createEventBody.safeParse(body);
    if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error, MESSAGES) });
    let created: CalendarEvent;
    try {
      ({ event: created } = await createApi(event).call('/api/calendar/events', eventResponse, { method: 'POST', body: parsed.data }));
    } catch (err) {
      return refused(err, values);
    }
    // The sheet closes; the calendar shows the day of the new event and confirms it above.
    redirect(303, calendarHref({ ...backTo(data), date: values.startDay, added: created.id }));
  },

  update: async (event) => {
    const data = await event.request.formData();
    const id = String(data.get('id') ?? '');
    const { values, errors, body } = readEventForm(data);
    if (!body) return fail(400, { values, errors });
    const parsed = updateEventBody.safeParse(body);
    if (!parsed.success) return fail(400, { values, errors: fieldErrors(parsed.error, MESSAGES) });
    if (Date.parse(body.endDate) <= Date.parse(body.startDate)) return fail(400, { values, errors: { endDate: MESSAGES.endDate } });
    try {
      await createApi(event).call(`/api/calendar/events/${encodeURIComponent(id)}`, eventResponse, { method: 'PATCH', body: parsed.data });
    } catch (err) {
      return refused(err, values);
    }
    redirect(303, calendarHref(backTo(data)));
  },

  delete: async (event) => {
    const data = await event.request.formData();
    const id = String(data.get('id') ?? '');
    try {
      await createApi(event).run(`/api/calendar/events/${encodeURIComponent(id)}`, { method: 'DELETE' });
    } catch (err) {
      return refused(err, null);
    }
    redirect(303, calendarHref(backTo(data)));
  },

  connect: connectTempus,
  sync: syncTempusAccount,
} satisfies Actions;
