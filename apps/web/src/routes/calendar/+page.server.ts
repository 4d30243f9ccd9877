import { error, fail, redirect } from '@sveltejs/kit';
import { createEventBody, eventResponse, eventsResponse, updateEventBody, type CalendarEvent } from '@familyhub/shared';
import { calendarHref, readCalendarState, type CalendarState } from '$lib/calendar/calendar-url';
import { monthWeeks } from '$lib/calendar/month-layout';
import { addDays, dayBounds, isCivilDate, isWallClock, weekDays, zonedInstant } from '$lib/calendar/zoned-time';
import { ApiError, createApi } from '$lib/server/api';
import { fieldErrors, formError, formValues, type FieldErrors } from '$lib/server/forms';
import { apiErrorMessage } from '$lib/server/api-error-messages';
import type { Actions, PageServerLoad } from './$types';

export const load = (async (event) => {
  event.depends('app:calendar');
  const state = readCalendarState(event.url.searchParams);
  const days = state.view === 'month' ? monthWeeks(state.date).flat() : weekDays(state.date);
  const from = dayBounds(days[0]!).start;
  const to = dayBounds(days[days.length - 1]!).end;
  const query = new URLSearchParams({ from: from.toISOString(), to: to.toISOString() });
  try {
    const { events } = await createApi(event).call(`/api/calendar/events?${query}`, eventsResponse);
    return { state, events, selected: events.find((e) => e.id === state.event) ?? null };
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

/** Reads the event form: wall-clock dates and times in the family's zone become instants. */
function readEventForm(data: FormData) {
  const values = { ...formValues(data, EVENT_FIELDS), allDay: data.get('allDay') === 'on' ? 'on' : '' };
  const allDay = values.allDay === 'on';
  const errors: FieldErrors = {};
  if (!isCivilDate(values.startDay)) errors.startDate = 'Välj ett startdatum.';
  if (!isCivilDate(values.endDay)) errors.endDate = 'Välj ett slutdatum.';
  if (!allDay && !isWallClock(values.startTime)) errors.startDate = 'Ange en starttid, till exempel 09:00.';
  if (!allDay && !isWallClock(values.endTime)) errors.endDate = 'Ange en sluttid, till exempel 10:00.';
  if (Object.keys(errors).length > 0) return { values, errors, body: null };
  const body = {
    title: values.title,
    allDay,
    // An all-day event covers whole local days: from the first midnight to the one after the last day.
    startDate: zonedInstant(values.startDay, allDay ? '00:00' : values.startTime).toISOString(),
    endDate: allDay ? zonedInstant(addDays(values.endDay, 1)).toISOString() : zonedInstant(values.endDay, values.endTime).toISOString(),
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
    redirect(303, calendarHref({ ...backTo(data), date: values.startDay, event: created.id }));
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
} satisfies Actions;
