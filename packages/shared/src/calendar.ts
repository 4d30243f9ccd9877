import { z } from 'zod';
import { memberColor } from './people.js';

export const eventSource = z.enum(['manual', 'tempus', 'ics']);
export type EventSource = z.infer<typeof eventSource>;
export const shiftStatus = z.enum(['scheduled', 'cancelled']);
export type ShiftStatus = z.infer<typeof shiftStatus>;

/** RFC 3339 instant with an explicit offset or Z. */
export const instant = z.iso.datetime({ offset: true });

export const calendarEvent = z.object({
  id: z.uuid(),
  title: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  allDay: z.boolean(),
  source: eventSource,
  editable: z.boolean(),
  ownerUserId: z.uuid(),
  ownerName: z.string(),
  /** The owner's colour (a key of MEMBER_PALETTE), so every event shows whose it is. */
  ownerColor: memberColor,
  status: shiftStatus,
  location: z.string().nullable(),
  note: z.string().nullable(),
  tempusId: z.string().nullable(),
  tempusAccountId: z.uuid().nullable(),
  /** The calendar subscription an `ics` event comes from. */
  subscriptionId: z.uuid().nullable(),
  updatedAt: z.string(),
});
export type CalendarEvent = z.infer<typeof calendarEvent>;

export const eventsQuery = z
  .object({ from: instant, to: instant, cursor: z.string().min(1).max(200).optional() })
  .refine((q) => Date.parse(q.from) < Date.parse(q.to), { message: 'from must be before to', path: ['to'] })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 400 * 86_400_000, {
    message: 'the range may span at most 400 days',
    path: ['to'],
  });
export type EventsQuery = z.infer<typeof eventsQuery>;

/** One page of events; `nextCursor` asks for the next page of the same range (null on the last). */
export const eventsResponse = z.object({ events: z.array(calendarEvent), nextCursor: z.string().nullable() });
export type EventsResponse = z.infer<typeof eventsResponse>;

const eventFields = {
  title: z.string().trim().min(1).max(200),
  startDate: instant,
  endDate: instant,
  allDay: z.boolean().default(false),
  location: z.string().trim().max(200).nullable().optional(),
  note: z.string().trim().max(2000).nullable().optional(),
};

export const createEventBody = z
  .object(eventFields)
  .refine((e) => Date.parse(e.startDate) < Date.parse(e.endDate), {
    message: 'endDate must be after startDate',
    path: ['endDate'],
  });
export type CreateEventBody = z.input<typeof createEventBody>;

export const updateEventBody = z
  .object({
    title: eventFields.title.optional(),
    startDate: instant.optional(),
    endDate: instant.optional(),
    allDay: z.boolean().optional(),
    location: eventFields.location,
    note: eventFields.note,
  })
  .refine((e) => Object.keys(e).length > 0, { message: 'nothing to change' });
export type UpdateEventBody = z.input<typeof updateEventBody>;

export const eventResponse = z.object({ event: calendarEvent });
