/**
 * Children and their care routines: family members without a sign-in, the care place
 * (förskola, fritids) and, per weekday, when they are dropped off and picked up and by whom.
 * Times are wall-clock `HH:MM` in Europe/Stockholm; a weekday not listed has no care.
 */
import { z } from 'zod';
import { memberColor } from './people.js';

/** A wall-clock time of day, `HH:MM`, 24-hour. */
export const wallClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00–23:59)');

/** A day on the calendar, `YYYY-MM-DD`, that exists (no 30 February). */
export const civilDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  .refine((value) => {
    const [year, month, day] = value.split('-').map(Number) as [number, number, number];
    const utc = new Date(Date.UTC(year, month - 1, day));
    return year >= 2000 && year <= 2099 && utc.getUTCMonth() === month - 1 && utc.getUTCDate() === day;
  }, 'must be a real date between 2000 and 2099');

export const childName = z.string().trim().min(1).max(100);

export const routineDay = z
  .object({
    /** 1 (Monday) … 7 (Sunday). */
    weekday: z.number().int().min(1).max(7),
    dropOffAt: wallClockTime,
    pickUpAt: wallClockTime,
    /** The parent who usually drops off (a user id of the family), or null: nobody yet. */
    dropOffBy: z.uuid().nullable(),
    pickUpBy: z.uuid().nullable(),
  })
  .refine((d) => d.dropOffAt < d.pickUpAt, { message: 'pickUpAt must be after dropOffAt', path: ['pickUpAt'] });
export type RoutineDay = z.infer<typeof routineDay>;

export const careRoutine = z.object({
  childId: z.uuid(),
  careName: z.string(),
  days: z.array(routineDay),
});
export type CareRoutine = z.infer<typeof careRoutine>;

export const putRoutineBody = z
  .object({
    careName: z.string().trim().min(1).max(100),
    days: z.array(routineDay).max(7),
  })
  .refine((r) => new Set(r.days.map((d) => d.weekday)).size === r.days.length, { message: 'each weekday at most once', path: ['days'] });
export type PutRoutineBody = z.input<typeof putRoutineBody>;

export const child = z.object({
  id: z.uuid(),
  name: z.string(),
  color: memberColor,
  routine: careRoutine.nullable(),
});
export type Child = z.infer<typeof child>;

export const createChildBody = z.object({ name: childName, color: memberColor.optional() });
export type CreateChildBody = z.input<typeof createChildBody>;

export const updateChildBody = z
  .object({ name: childName.optional(), color: memberColor.optional() })
  .refine((b) => b.name !== undefined || b.color !== undefined, { message: 'nothing to change' });
export type UpdateChildBody = z.input<typeof updateChildBody>;

export const childResponse = z.object({ child });
export const childrenResponse = z.object({ children: z.array(child) });
export const routineResponse = z.object({ routine: careRoutine });

/**
 * One day's change to a child's routine ("Anna hämtar idag", "ledig dag", "studiedag").
 * A field left out keeps the routine's value; `dropOffBy: null` says nobody is assigned;
 * `noCare: true` means the child is not at care that day (no handovers at all).
 */
export const dayChangeBody = z
  .object({
    dropOffBy: z.uuid().nullable().optional(),
    pickUpBy: z.uuid().nullable().optional(),
    dropOffAt: wallClockTime.optional(),
    pickUpAt: wallClockTime.optional(),
    noCare: z.boolean().optional(),
    /** What the day is, shown beside it ("Studiedag"). */
    note: z.string().trim().max(100).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
  .refine((b) => !(b.dropOffAt && b.pickUpAt) || b.dropOffAt < b.pickUpAt, { message: 'pickUpAt must be after dropOffAt', path: ['pickUpAt'] });
export type DayChangeBody = z.input<typeof dayChangeBody>;

/** A stored one-day change, as the pickups listing shows it beside the day. */
export const dayChange = z.object({
  dropOffBy: z.uuid().nullable().optional(),
  pickUpBy: z.uuid().nullable().optional(),
  dropOffAt: wallClockTime.optional(),
  pickUpAt: wallClockTime.optional(),
  noCare: z.boolean(),
  note: z.string().nullable(),
});
export type DayChange = z.infer<typeof dayChange>;

export const childDayParams = z.object({ id: z.uuid(), date: civilDate });
