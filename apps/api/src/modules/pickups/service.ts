/**
 * The pickups module's public face: children (family members without a sign-in), their care
 * routines and one-day changes, and the family's handovers with their conflicts. Parents
 * change; every member reads.
 */
import { nextMemberColor, type Child, type CreateChildBody, type DayChangeBody, type PickupDay, type PutRoutineBody, type UpdateChildBody } from '@familyhub/shared';
import type { Db } from '../../db/client.js';
import { BadRequestError, ConflictError, NotFoundError } from '../../lib/errors.js';
import type { AuthUser } from '../accounts/types.js';
import { familyDays, type HandoverSources } from './handovers.js';
import * as childrenRepo from './repository/children.js';
import * as changesRepo from './repository/day-changes.js';
import { addDays, stockholmDate } from './stockholm-days.js';

const MAX_CHILDREN_PER_FAMILY = 20;
/** Day changes are for days from a year back to two years ahead: a bound on what a family can store. */
const CHANGE_DAYS_BACK = 366;
const CHANGE_DAYS_AHEAD = 731;

export interface PickupsServiceDeps extends HandoverSources {
  db: Db;
  clock: () => Date;
}

function toChild(row: childrenRepo.ChildRow, days: childrenRepo.RoutineDayRow[]): Child {
  return {
    id: row.id,
    name: row.name,
    color: row.color as Child['color'],
    routine:
      row.careName === null
        ? null
        : {
            childId: row.id,
            careName: row.careName,
            days: days.map((d) => ({ weekday: d.weekday, dropOffAt: d.dropOffAt, pickUpAt: d.pickUpAt, dropOffBy: d.dropOffBy, pickUpBy: d.pickUpBy })),
          },
  };
}

export function createPickupsService(deps: PickupsServiceDeps) {
  const { db, clock } = deps;

  async function familyChild(user: AuthUser, id: string) {
    const child = await childrenRepo.findChild(db, user.familyId, id);
    if (!child) throw new NotFoundError('Child not found.');
    return child;
  }

  /** Refuses a handover given to anyone but a parent of the family. */
  async function checkParents(user: AuthUser, ids: (string | null | undefined)[]) {
    const named = ids.filter((id): id is string => typeof id === 'string');
    if (named.length === 0) return;
    const parents = new Set((await deps.members(db, user.familyId)).filter((m) => m.role === 'parent').map((m) => m.id));
    if (named.some((id) => !parents.has(id))) throw new BadRequestError('A handover can only be given to a parent of the family.', 'not_a_parent');
  }

  async function shown(user: AuthUser, id: string): Promise<Child> {
    const child = await familyChild(user, id);
    return toChild(child, await childrenRepo.routineDaysOf(db, [id]));
  }

  return {
    async list(user: AuthUser): Promise<Child[]> {
      const [rows, days] = await Promise.all([childrenRepo.listChildren(db, user.familyId), childrenRepo.listRoutineDays(db, user.familyId)]);
      return rows.map((r) => toChild(r, days.filter((d) => d.childId === r.id)));
    },

    async create(user: AuthUser, input: CreateChildBody): Promise<Child> {
      const existing = await childrenRepo.listChildren(db, user.familyId);
      if (existing.length >= MAX_CHILDREN_PER_FAMILY) {
        throw new ConflictError('too_many_children', `A family can have at most ${MAX_CHILDREN_PER_FAMILY} children here.`);
      }
      // Like a new member: the first colour nobody in the family (parents, members, children) has yet.
      const members = await deps.members(db, user.familyId);
      const color = input.color ?? nextMemberColor([...members.map((m) => m.color), ...existing.map((c) => c.color)]);
      return toChild(await childrenRepo.insertChild(db, { familyId: user.familyId, name: input.name, color }), []);
    },

    async update(user: AuthUser, id: string, patch: UpdateChildBody): Promise<Child> {
      const row = await childrenRepo.updateChild(db, user.familyId, id, {
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.color !== undefined && { color: patch.color }),
      });
      if (!row) throw new NotFoundError('Child not found.');
      return shown(user, id);
    },

    async remove(user: AuthUser, id: string): Promise<void> {
      if (!(await childrenRepo.deleteChild(db, user.familyId, id))) throw new NotFoundError('Child not found.');
    },

    async putRoutine(user: AuthUser, id: string, input: PutRoutineBody) {
      await familyChild(user, id);
      await checkParents(user, input.days.flatMap((d) => [d.dropOffBy, d.pickUpBy]));
      const days = [...input.days].sort((a, b) => a.weekday - b.weekday);
      const stored = await db.transaction((tx) => childrenRepo.replaceRoutine(tx, user.familyId, id, input.careName, days));
      if (!stored) throw new NotFoundError('Child not found.');
      return (await shown(user, id)).routine!;
    },

    async putDay(user: AuthUser, id: string, date: string, input: DayChangeBody): Promise<PickupDay> {
      await familyChild(user, id);
      const today = stockholmDate(clock());
      if (date < addDays(today, -CHANGE_DAYS_BACK) || date > addDays(today, CHANGE_DAYS_AHEAD)) {
        throw new BadRequestError('A day can be changed from a year back to two years ahead.', 'date_out_of_range');
      }
      await checkParents(user, [input.dropOffBy, input.pickUpBy]);
      await changesRepo.putDayChange(
        db,
        user.familyId,
        {
          childId: id,
          date,
          dropOffAt: input.dropOffAt ?? null,
          pickUpAt: input.pickUpAt ?? null,
          assignsDropOff: input.dropOffBy !== undefined,
          dropOffBy: input.dropOffBy ?? null,
          assignsPickUp: input.pickUpBy !== undefined,
          pickUpBy: input.pickUpBy ?? null,
          noCare: input.noCare ?? false,
          note: input.note ?? null,
        },
        clock(),
      );
      const [day] = await familyDays(db, deps, user.familyId, date, date, id);
      return day!;
    },

    async deleteDay(user: AuthUser, id: string, date: string): Promise<void> {
      await familyChild(user, id);
      await changesRepo.deleteDayChange(db, user.familyId, id, date);
    },

    /** The family's handovers from `from` to `to`, both included. */
    async days(familyId: string, from: string, to: string): Promise<PickupDay[]> {
      return familyDays(db, deps, familyId, from, to);
    },
  };
}

export type PickupsService = ReturnType<typeof createPickupsService>;
