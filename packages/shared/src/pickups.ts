/**
 * Who drops off and picks up each child on each day, and whether that parent is busy then:
 * the family's handovers with their conflicts, computed from every source of events.
 */
import { z } from 'zod';
import { eventSource } from './calendar.js';
import { civilDate, dayChange } from './children.js';

/** The longest range GET /api/pickups answers, in days (both ends included). */
export const MAX_PICKUP_DAYS = 62;

export const pickupsQuery = z
  .object({ from: civilDate, to: civilDate })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 + 1 <= MAX_PICKUP_DAYS, {
    message: `the range may span at most ${MAX_PICKUP_DAYS} days`,
    path: ['to'],
  });
export type PickupsQuery = z.infer<typeof pickupsQuery>;

/** An event of the assigned parent that overlaps the handover's window. */
export const handoverConflict = z.object({
  eventId: z.uuid(),
  title: z.string(),
  startDate: z.string(),
  endDate: z.string(),
  source: eventSource,
});
export type HandoverConflict = z.infer<typeof handoverConflict>;

export const handover = z.object({
  /** The instant of the handover (RFC 3339). */
  at: z.string(),
  /** The same, as the wall clock in Stockholm shows it: `HH:MM`. */
  time: z.string(),
  /** The parent who does it, or null: nobody is assigned, which is a conflict of its own. */
  byUserId: z.uuid().nullable(),
  conflicts: z.array(handoverConflict),
  /** The family's parents with no event in the handover's window. */
  freeParents: z.array(z.uuid()),
});
export type Handover = z.infer<typeof handover>;

export const pickupDay = z.object({
  date: civilDate,
  childId: z.uuid(),
  childName: z.string(),
  careName: z.string().nullable(),
  /** null: no care that day (a weekday the routine leaves out, or a day change with noCare). */
  dropOff: handover.nullable(),
  pickUp: handover.nullable(),
  /** The one-day change in force, or null when the day follows the routine. */
  change: dayChange.nullable(),
});
export type PickupDay = z.infer<typeof pickupDay>;

export const pickupsResponse = z.object({ days: z.array(pickupDay) });
export type PickupsResponse = z.infer<typeof pickupsResponse>;
export const pickupDayResponse = z.object({ day: pickupDay });

/** Whether a handover needs the family's attention: its parent is busy, or nobody is assigned. */
export function hasConflict(h: Pick<Handover, 'byUserId' | 'conflicts'>): boolean {
  return h.byUserId === null || h.conflicts.length > 0;
}
