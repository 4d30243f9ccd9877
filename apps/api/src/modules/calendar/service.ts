/**
 * The family calendar: manual events that members edit, and synced events (Tempus shifts,
 * subscribed calendars' events) that are read-only here because their source of truth is
 * elsewhere. A member changes only their own events, a parent any of the family's. What
 * a family holds and reads is bounded: so many manual events per family, so many new ones
 * per member and hour, and a read answers one page of events at a time.
 */
import type { CalendarEvent, CreateEventBody, MemberColor, UpdateEventBody } from '@familyhub/shared';
import type { Db } from '../../db/client.js';
import { AppError, BadRequestError, ConflictError, ForbiddenError, NotFoundError, TooManyRequestsError } from '../../lib/errors.js';
import type { Limit } from '../../plugins/limits.js';
import type { AuthUser } from '../accounts/types.js';
import * as repo from './repository.js';

/** Events in one answer of the events read; a longer range is read page by page. */
export const EVENTS_PAGE_SIZE = 2_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A page's end as an opaque cursor: the last event's start and id. */
function encodeCursor(position: repo.EventsPosition): string {
  return Buffer.from(`${position.startAt}|${position.id}`).toString('base64url');
}

function decodeCursor(cursor: string): repo.EventsPosition {
  const [startAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length > 0 || !startAt || !id || !UUID.test(id) || Number.isNaN(Date.parse(startAt))) {
    throw new BadRequestError('cursor is not one this API gave out; start again without it.', 'invalid_cursor');
  }
  return { startAt, id };
}

export function toApiEvent(row: repo.EventRow): CalendarEvent {
  return {
    id: row.id,
    title: row.title,
    startDate: row.startAt,
    endDate: row.endAt,
    allDay: row.allDay,
    source: row.source,
    editable: row.editable,
    ownerUserId: row.ownerUserId,
    ownerName: row.ownerName,
    ownerColor: row.ownerColor as MemberColor,
    status: row.status,
    location: row.location,
    note: row.note,
    tempusId: row.tempusId,
    tempusAccountId: row.tempusAccountId,
    subscriptionId: row.subscriptionId,
    updatedAt: row.updatedAt,
  };
}

export interface CalendarServiceDeps {
  db: Db;
  /** Manual events a family may hold. */
  eventsPerFamily: number;
  /** Counts the events each member creates. */
  createLimit: Pick<Limit, 'take'>;
}

export function createCalendarService({ db, eventsPerFamily, createLimit }: CalendarServiceDeps) {
  async function editableEvent(user: AuthUser, id: string) {
    const event = await repo.findEvent(db, user.familyId, id);
    if (!event) throw new NotFoundError('Event not found.');
    if (!event.editable) {
      const where = event.source === 'ics' ? 'the subscribed calendar' : 'Tempus';
      throw new ConflictError('read_only_event', `This event comes from ${where} and can only be changed there.`);
    }
    if (user.role !== 'parent' && event.ownerUserId !== user.id) {
      throw new ForbiddenError("Only its owner or a parent may change another member's event.", 'not_your_event');
    }
    return event;
  }

  return {
    /** One page of the family's events overlapping [from, to), and the cursor of the next page (null on the last). */
    async list(user: AuthUser, from: Date, to: Date, cursor?: string) {
      const after = cursor === undefined ? undefined : decodeCursor(cursor);
      const rows = await repo.listEvents(db, user.familyId, from, to, { limit: EVENTS_PAGE_SIZE + 1, after });
      const more = rows.length > EVENTS_PAGE_SIZE;
      const page = more ? rows.slice(0, EVENTS_PAGE_SIZE) : rows;
      const last = page.at(-1);
      return { events: page.map(toApiEvent), nextCursor: more && last ? encodeCursor({ startAt: last.startAt, id: last.id }) : null };
    },

    async create(user: AuthUser, input: CreateEventBody) {
      const limit = await createLimit.take(user.id);
      if (!limit.allowed) {
        throw new TooManyRequestsError('You have created many events in the last hour. Try again later.', limit.retryAfterSeconds, 'too_many_new_events');
      }
      const id = await db.transaction(async (tx) => {
        await repo.lockFamilyEvents(tx, user.familyId);
        if ((await repo.countManualEvents(tx, user.familyId)) >= eventsPerFamily) {
          throw new AppError(422, 'calendar_full', `The family calendar holds its maximum of ${eventsPerFamily} events. Delete old events to add new ones.`);
        }
        return repo.insertManualEvent(tx, {
          familyId: user.familyId,
          ownerUserId: user.id,
          title: input.title,
          startAt: new Date(input.startDate),
          endAt: new Date(input.endDate),
          allDay: input.allDay ?? false,
          location: input.location ?? null,
          note: input.note ?? null,
        });
      });
      return toApiEvent((await repo.findEvent(db, user.familyId, id))!);
    },

    async update(user: AuthUser, id: string, patch: UpdateEventBody) {
      const event = await editableEvent(user, id);
      const startAt = patch.startDate ? new Date(patch.startDate) : new Date(event.startAt);
      const endAt = patch.endDate ? new Date(patch.endDate) : new Date(event.endAt);
      if (startAt >= endAt) throw new BadRequestError('endDate must be after startDate.', 'validation_error');
      await repo.updateManualEvent(db, user.familyId, id, {
        ...(patch.title !== undefined && { title: patch.title }),
        ...(patch.allDay !== undefined && { allDay: patch.allDay }),
        ...(patch.location !== undefined && { location: patch.location }),
        ...(patch.note !== undefined && { note: patch.note }),
        startAt,
        endAt,
      });
      return toApiEvent((await repo.findEvent(db, user.familyId, id))!);
    },

    async remove(user: AuthUser, id: string) {
      await editableEvent(user, id);
      await repo.deleteManualEvent(db, user.familyId, id);
    },
  };
}

export type CalendarService = ReturnType<typeof createCalendarService>;
