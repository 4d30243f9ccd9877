// Users and shifts. Each user's shifts (tombstones included) are kept in one array
// sorted by (updated_at, id), the order the schedules endpoint pages in, so a listing
// starts with a binary search and never scans other users' shifts.
import type { SimClock } from './clock.js';
import { SimInputError, SimNotFoundError } from './errors.js';
import { randomId, randomSecret } from './secrets.js';
import type { SimShift, SimShiftInput, SimUser } from './types.js';
import { formatZoned, isSimulatedTimeZone, parseRfc3339 } from './zoned-time.js';

export const TOMBSTONE_RETENTION_MS = 30 * 24 * 3600 * 1000;

export interface ShiftRecord {
  id: string;
  userId: string;
  shiftType: string;
  startMs: number;
  endMs: number;
  /** Rendered once on write so listing a page costs no time-zone math. */
  startTime: string;
  endTime: string;
  status: 'scheduled' | 'cancelled';
  location: string | null;
  note: string | null;
  updatedMs: number;
  deleted: boolean;
}

function compareShiftKey(aMs: number, aId: string, bMs: number, bId: string): number {
  if (aMs !== bMs) return aMs - bMs;
  return aId < bId ? -1 : aId > bId ? 1 : 0;
}

/** First index whose key is after (ms, id) — or at it, when inclusive. */
export function searchShiftKey(shifts: readonly ShiftRecord[], ms: number, id: string, inclusive: boolean): number {
  let low = 0;
  let high = shifts.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const rec = shifts[mid] as ShiftRecord;
    const cmp = compareShiftKey(rec.updatedMs, rec.id, ms, id);
    if (cmp < 0 || (cmp === 0 && !inclusive)) low = mid + 1;
    else high = mid;
  }
  return low;
}

export function toPublicShift(rec: ShiftRecord): SimShift {
  return {
    id: rec.id,
    userId: rec.userId,
    shift_type: rec.shiftType,
    start_time: rec.startTime,
    end_time: rec.endTime,
    status: rec.status,
    location: rec.location,
    note: rec.note,
    updated_at: new Date(rec.updatedMs).toISOString(),
    deleted: rec.deleted,
  };
}

function requireTime(value: unknown, field: string): number {
  const ms = typeof value === 'string' ? parseRfc3339(value) : null;
  if (ms === null) throw new SimInputError(`${field} must be an RFC 3339 timestamp with offset`);
  return Math.floor(ms / 1000) * 1000;
}

function optionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new SimInputError(`${field} must be a string or null`);
  return value;
}

export function createStore(clock: SimClock) {
  const usersById = new Map<string, SimUser>();
  const usersByEmail = new Map<string, SimUser>();
  const shiftsById = new Map<string, ShiftRecord>();
  const shiftsByUser = new Map<string, ShiftRecord[]>();

  function requireUser(userId: string): SimUser {
    const user = usersById.get(userId);
    if (!user) throw new SimNotFoundError(`Unknown user ${userId}`);
    return user;
  }

  function requireLiveShift(shiftId: string): ShiftRecord {
    const rec = shiftsById.get(shiftId);
    if (!rec || rec.deleted) throw new SimNotFoundError(`Unknown shift ${shiftId}`);
    return rec;
  }

  function insertSorted(rec: ShiftRecord): void {
    let list = shiftsByUser.get(rec.userId);
    if (!list) {
      list = [];
      shiftsByUser.set(rec.userId, list);
    }
    list.splice(searchShiftKey(list, rec.updatedMs, rec.id, true), 0, rec);
  }

  function removeSorted(rec: ShiftRecord): void {
    const list = shiftsByUser.get(rec.userId) ?? [];
    const index = searchShiftKey(list, rec.updatedMs, rec.id, true);
    if (list[index] === rec) list.splice(index, 1);
  }

  /** Re-keys a shift under the current clock so it moves to the end of its user's order. */
  function touch(rec: ShiftRecord, change: () => void): void {
    removeSorted(rec);
    change();
    rec.updatedMs = clock.nowMs();
    insertSorted(rec);
  }

  function applyTimes(rec: ShiftRecord, timeZone: string): void {
    if (rec.endMs <= rec.startMs) throw new SimInputError('end_time must be after start_time');
    rec.startTime = formatZoned(rec.startMs, timeZone);
    rec.endTime = formatZoned(rec.endMs, timeZone);
  }

  const users = {
    create(input: Partial<SimUser> & { email: string; name: string }): SimUser {
      if (typeof input.email !== 'string' || !input.email.includes('@')) throw new SimInputError('email is required');
      if (typeof input.name !== 'string' || input.name.trim() === '') throw new SimInputError('name is required');
      const user: SimUser = {
        id: input.id ?? randomId('usr', 5),
        email: input.email,
        name: input.name,
        timezone: input.timezone ?? 'Europe/Stockholm',
        employer: input.employer ?? 'Region Uppsala',
        password: input.password ?? randomSecret(12),
      };
      if (!isSimulatedTimeZone(user.timezone)) throw new SimInputError(`Unknown time zone ${user.timezone}: the simulator knows only Europe/Stockholm`);
      if (usersById.has(user.id)) throw new SimInputError(`User id ${user.id} already exists`);
      const emailKey = user.email.toLowerCase();
      if (usersByEmail.has(emailKey)) throw new SimInputError(`Email ${user.email} already exists`);
      usersById.set(user.id, user);
      usersByEmail.set(emailKey, user);
      return { ...user };
    },
    get(idOrEmail: string): SimUser | undefined {
      const user = usersById.get(idOrEmail) ?? usersByEmail.get(idOrEmail.toLowerCase());
      return user ? { ...user } : undefined;
    },
    list(): SimUser[] {
      return [...usersById.values()].map((u) => ({ ...u }));
    },
  };

  const shifts = {
    add(userId: string, input: SimShiftInput): SimShift {
      const user = requireUser(userId);
      if (typeof input.shift_type !== 'string' || input.shift_type === '') {
        throw new SimInputError('shift_type must be a non-empty string');
      }
      if (input.status !== undefined && input.status !== 'scheduled' && input.status !== 'cancelled') {
        throw new SimInputError('status must be "scheduled" or "cancelled"');
      }
      const id = input.id ?? randomId('shf');
      if (shiftsById.has(id)) throw new SimInputError(`Shift id ${id} already exists`);
      const rec: ShiftRecord = {
        id,
        userId,
        shiftType: input.shift_type,
        startMs: requireTime(input.start_time, 'start_time'),
        endMs: requireTime(input.end_time, 'end_time'),
        startTime: '',
        endTime: '',
        status: input.status ?? 'scheduled',
        location: optionalText(input.location, 'location'),
        note: optionalText(input.note, 'note'),
        updatedMs: clock.nowMs(),
        deleted: false,
      };
      applyTimes(rec, user.timezone);
      shiftsById.set(id, rec);
      insertSorted(rec);
      return toPublicShift(rec);
    },
    update(shiftId: string, patch: Partial<SimShiftInput>): SimShift {
      const rec = requireLiveShift(shiftId);
      const user = requireUser(rec.userId);
      if (patch.id !== undefined && patch.id !== shiftId) throw new SimInputError('A shift id cannot change');
      const next = { ...rec };
      if (patch.shift_type !== undefined) {
        if (typeof patch.shift_type !== 'string' || patch.shift_type === '') {
          throw new SimInputError('shift_type must be a non-empty string');
        }
        next.shiftType = patch.shift_type;
      }
      if (patch.start_time !== undefined) next.startMs = requireTime(patch.start_time, 'start_time');
      if (patch.end_time !== undefined) next.endMs = requireTime(patch.end_time, 'end_time');
      if (patch.status !== undefined) {
        if (patch.status !== 'scheduled' && patch.status !== 'cancelled') {
          throw new SimInputError('status must be "scheduled" or "cancelled"');
        }
        next.status = patch.status;
      }
      if (patch.location !== undefined) next.location = optionalText(patch.location, 'location');
      if (patch.note !== undefined) next.note = optionalText(patch.note, 'note');
      applyTimes(next, user.timezone);
      touch(rec, () => Object.assign(rec, next));
      return toPublicShift(rec);
    },
    cancel(shiftId: string): SimShift {
      const rec = requireLiveShift(shiftId);
      touch(rec, () => {
        rec.status = 'cancelled';
      });
      return toPublicShift(rec);
    },
    delete(shiftId: string): void {
      const rec = requireLiveShift(shiftId);
      touch(rec, () => {
        rec.deleted = true;
      });
    },
    list(userId: string, opts: { includeDeleted?: boolean } = {}): SimShift[] {
      requireUser(userId);
      const oldestTombstone = clock.nowMs() - TOMBSTONE_RETENTION_MS;
      return (shiftsByUser.get(userId) ?? [])
        .filter((rec) => !rec.deleted || (opts.includeDeleted === true && rec.updatedMs >= oldestTombstone))
        .map(toPublicShift);
    },
  };

  return {
    users,
    shifts,
    userById: (userId: string): SimUser | undefined => usersById.get(userId),
    userByEmail: (email: string): SimUser | undefined => usersByEmail.get(email.toLowerCase()),
    firstUser: (): SimUser | undefined => usersById.values().next().value,
    /** The user's shifts and tombstones in (updated_at, id) order; read-only for callers. */
    shiftIndex: (userId: string): readonly ShiftRecord[] => shiftsByUser.get(userId) ?? [],
  };
}

export type Store = ReturnType<typeof createStore>;
