/**
 * Children, their care routines and one-day changes, and the last known conflict state of
 * each handover.
 */
import { boolean, date, index, pgEnum, pgTable, primaryKey, smallint, text, uuid } from 'drizzle-orm/pg-core';
import { tstz, createdAt } from './columns.js';
import { families, users } from './families.js';

export const handoverKindEnum = pgEnum('handover_kind', ['drop_off', 'pick_up']);

/** Children: family members without a sign-in. `care_name` is set once the child has a care routine. */
export const children = pgTable(
  'children',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** A key of the shared MEMBER_PALETTE, like every member's. */
    color: text('color').notNull().default('blue'),
    /** The care place (förskola, fritids) of the child's routine; null: no routine yet. */
    careName: text('care_name'),
    createdAt: createdAt(),
  },
  (t) => [index('children_family_idx').on(t.familyId)],
);

/** The weekdays of a child's care routine: wall-clock times in Europe/Stockholm and who usually does each handover. */
export const careRoutineDays = pgTable(
  'care_routine_days',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    /** 1 (Monday) … 7 (Sunday). */
    weekday: smallint('weekday').notNull(),
    dropOffAt: text('drop_off_at').notNull(),
    pickUpAt: text('pick_up_at').notNull(),
    dropOffBy: uuid('drop_off_by').references(() => users.id, { onDelete: 'set null' }),
    pickUpBy: uuid('pick_up_by').references(() => users.id, { onDelete: 'set null' }),
  },
  (t) => [primaryKey({ columns: [t.childId, t.weekday] })],
);

/**
 * One day's change to a child's routine. A null time keeps the routine's; `assigns_*` says
 * whether the change names who does a handover (then a null `*_by` means nobody).
 */
export const childDayChanges = pgTable(
  'child_day_changes',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    dropOffAt: text('drop_off_at'),
    pickUpAt: text('pick_up_at'),
    assignsDropOff: boolean('assigns_drop_off').notNull().default(false),
    dropOffBy: uuid('drop_off_by').references(() => users.id, { onDelete: 'set null' }),
    assignsPickUp: boolean('assigns_pick_up').notNull().default(false),
    pickUpBy: uuid('pick_up_by').references(() => users.id, { onDelete: 'set null' }),
    noCare: boolean('no_care').notNull().default(false),
    note: text('note'),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.childId, t.date] }), index('child_day_changes_family_date_idx').on(t.familyId, t.date)],
);

/** The last known conflict state of each handover in the coming days, so a resync of the same state tells nobody again. */
export const handoverStates = pgTable(
  'handover_states',
  {
    childId: uuid('child_id')
      .notNull()
      .references(() => children.id, { onDelete: 'cascade' }),
    date: date('date', { mode: 'string' }).notNull(),
    handover: handoverKindEnum('handover').notNull(),
    familyId: uuid('family_id')
      .notNull()
      .references(() => families.id, { onDelete: 'cascade' }),
    conflict: boolean('conflict').notNull(),
    updatedAt: tstz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.childId, t.date, t.handover] }), index('handover_states_family_date_idx').on(t.familyId, t.date)],
);
