/**
 * The family calendar: manual events that members edit, and synced events (Tempus shifts,
 * subscribed calendars' events) that are read-only here because their source of truth is
 * elsewhere.
 */
import type { CalendarEvent, CreateEventBody, MemberColor, UpdateEventBody } from '@familyhub/shared';
import type { Db } from '../../db/client.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.js';
import type { AuthUser } from '../accounts/types.js';
import * as repo from './repository.js';

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

export function createCalendarService({ db }: { db: Db }) {
  async function editableEvent(user: AuthUser, id: string) {
    const event = await repo.findEvent(db, user.familyId, id);
    if (!event) throw new NotFoundError('Event not found.');
    if (!event.editable) {
      const where = event.source === 'ics' ? 'the subscribed calendar' : 'Tempus';
      throw new ConflictError('read_only_event', `This event comes from ${where} and can only be changed there.`);
    }
    return event;
  }

  return {
    async list(user: AuthUser, from: Date, to: Date) {
      const rows = await repo.listEvents(db, user.familyId, from, to);
      return rows.map(toApiEvent);
    },

    async create(user: AuthUser, input: CreateEventBody) {
      const id = await repo.insertManualEvent(db, {
        familyId: user.familyId,
        ownerUserId: user.id,
        title: input.title,
        startAt: new Date(input.startDate),
        endAt: new Date(input.endDate),
        allDay: input.allDay ?? false,
        location: input.location ?? null,
        note: input.note ?? null,
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
