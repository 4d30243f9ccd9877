// Deterministic, believable demo data: Swedish healthcare staff on rotating schedules
// (Dag, Kväll, Natt, Helg, Jour, Beredskap) at Swedish hospitals and care units. Every
// random choice comes from a seeded PRNG, so a seed always yields the same users and shifts.
import { createHash } from 'node:crypto';
import { STOCKHOLM } from './stockholm-time.js';
import type { SimShiftInput, SimUser } from './types.js';
import { formatZoned, wallTimeAt, zonedToInstant } from './zoned-time.js';

const DEFAULT_TIME_ZONE = STOCKHOLM;
const DAY_MS = 24 * 3600 * 1000;

const FIRST_NAMES = [
  'Anna', 'Erik', 'Maria', 'Lars', 'Karin', 'Johan', 'Sara', 'Anders', 'Emma', 'Mikael',
  'Elin', 'Per', 'Linnea', 'Fredrik', 'Ida', 'Nils', 'Maja', 'Oskar', 'Sofia', 'Gustav',
  'Ebba', 'Henrik', 'Frida', 'Magnus', 'Astrid', 'Jonas', 'Klara', 'Björn', 'Märta', 'Åsa',
];
const LAST_NAMES = [
  'Svensson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson',
  'Andersson', 'Lindberg', 'Lindqvist', 'Bergström', 'Holm', 'Sandberg', 'Ekström', 'Lundgren',
  'Åberg', 'Sjöberg', 'Öberg', 'Håkansson',
];

const WORKPLACES = [
  { employer: 'Region Uppsala', locations: ['Akademiska sjukhuset, avd 30', 'Akademiska sjukhuset, akutmottagningen', 'Akademiska sjukhuset, IVA'] },
  { employer: 'Region Stockholm', locations: ['Karolinska universitetssjukhuset Solna, avd N54', 'Södersjukhuset, BB Sös', 'Danderyds sjukhus, avd 62'] },
  { employer: 'Västra Götalandsregionen', locations: ['Sahlgrenska universitetssjukhuset, avd 133', 'Östra sjukhuset, barnakuten'] },
  { employer: 'Region Skåne', locations: ['Skånes universitetssjukhus Lund, IVA', 'Skånes universitetssjukhus Malmö, akutmottagningen'] },
  { employer: 'Region Västerbotten', locations: ['Norrlands universitetssjukhus, avd 4B'] },
  { employer: 'Region Östergötland', locations: ['Universitetssjukhuset i Linköping, hjärtintensiven', 'Vrinnevisjukhuset, avd 12'] },
  { employer: 'Uppsala kommun', locations: ['Hemtjänst Gottsunda', 'Äldreboendet Tiunda gård'] },
] as const;

const NOTES = ['Byte med kollega', 'Utbildning halva passet', 'Extrapass', 'Handledning av student', 'APT kl 13:00'];

/** Start and end wall times; endDay 1 means the shift ends the next calendar day. */
const SHIFT_TIMES = {
  Dag: { start: [7, 0], end: [15, 30], endDay: 0 },
  Kväll: { start: [14, 30], end: [22, 0], endDay: 0 },
  Natt: { start: [21, 30], end: [7, 15], endDay: 1 },
  Helg: { start: [8, 0], end: [20, 0], endDay: 0 },
  Jour: { start: [17, 0], end: [8, 0], endDay: 1 },
  Beredskap: { start: [16, 0], end: [7, 0], endDay: 1 },
} as const;

type ShiftType = keyof typeof SHIFT_TIMES;

/** Two-week rotations: D Dag, K Kväll, N Natt, J Jour, B Beredskap, - ledig. */
const ROTATIONS = ['DDDKK--KKDDD--', 'NNN----DDKK---', 'DKDKD--KDKDK--', 'DDDDJ--DDDD-BB', 'KKKNN--DDDK---'];
const CODE_TYPES: Record<string, ShiftType> = { D: 'Dag', K: 'Kväll', N: 'Natt', J: 'Jour', B: 'Beredskap' };

const CANCELLATION_RATE = 0.03;
const NOTE_RATE = 0.06;
const AWAY_LOCATION_RATE = 0.1;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A PRNG seeded from the inputs, so each user and purpose has its own stable stream. */
function rngFor(...parts: (string | number)[]): () => number {
  return mulberry32(createHash('sha256').update(parts.join('/')).digest().readUInt32BE(0));
}

function stableId(prefix: string, ...parts: (string | number)[]): string {
  return `${prefix}_${createHash('sha256').update(parts.join('/')).digest('hex').slice(0, 16)}`;
}

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)] as T;
}

function asciiFold(text: string): string {
  return text.toLowerCase().replaceAll('å', 'a').replaceAll('ä', 'a').replaceAll('ö', 'o').replaceAll('é', 'e');
}

function workplaceFor(seed: number, userIndex: number): (typeof WORKPLACES)[number] {
  return pick(WORKPLACES, rngFor(seed, userIndex, 'workplace'));
}

export interface GenerateUsersOptions {
  seed: number;
  count: number;
  /** Index of the first user, so several batches from one seed stay distinct. */
  startIndex?: number;
  /** Emails already in use; generated ones get a number suffix instead of colliding. */
  takenEmails?: Iterable<string>;
}

export function generateUsers(opts: GenerateUsersOptions): SimUser[] {
  const taken = new Set([...(opts.takenEmails ?? [])].map((e) => e.toLowerCase()));
  const users: SimUser[] = [];
  for (let i = 0; i < opts.count; i += 1) {
    const userIndex = (opts.startIndex ?? 0) + i;
    const rng = rngFor(opts.seed, userIndex, 'user');
    const first = pick(FIRST_NAMES, rng);
    const last = pick(LAST_NAMES, rng);
    const base = `${asciiFold(first)}.${asciiFold(last)}`;
    let email = `${base}@example.se`;
    for (let n = 2; taken.has(email); n += 1) email = `${base}${n}@example.se`;
    taken.add(email);
    users.push({
      id: stableId('usr', opts.seed, userIndex).slice(0, 14),
      email,
      name: `${first} ${last}`,
      timezone: DEFAULT_TIME_ZONE,
      employer: workplaceFor(opts.seed, userIndex).employer,
      password: `losen-${userIndex + 1}`,
    });
  }
  return users;
}

export interface GenerateShiftsOptions {
  seed: number;
  userIndex: number;
  from: Date;
  to: Date;
  /** Exact number of shifts; the rotation then continues past `to` when the range is too short. */
  count?: number;
  timeZone?: string;
}

/** Shifts of one user, starting in [from, to) unless `count` asks for more, in start order. */
export function generateShifts(opts: GenerateShiftsOptions): SimShiftInput[] {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const rotation = pick(ROTATIONS, rngFor(opts.seed, opts.userIndex, 'rotation'));
  const workplace = workplaceFor(opts.seed, opts.userIndex);
  const homeLocation = workplace.locations[0];
  const fromMs = opts.from.getTime();
  const toMs = opts.to.getTime();
  const firstDay = wallTimeAt(fromMs, timeZone);
  const firstDayUtc = Date.UTC(firstDay.year, firstDay.month - 1, firstDay.day);
  // Rotation and per-shift choices are anchored to the calendar date, not to `from`, so
  // overlapping ranges generate the same shifts.
  const phase = Math.floor(rngFor(opts.seed, opts.userIndex, 'phase')() * rotation.length);

  const shifts: SimShiftInput[] = [];
  const done = (): boolean => (opts.count === undefined ? false : shifts.length >= opts.count);
  for (let dayUtc = firstDayUtc; !done(); dayUtc += DAY_MS) {
    const date = new Date(dayUtc);
    const dayNumber = Math.floor(dayUtc / DAY_MS);
    const code = rotation[(dayNumber + phase) % rotation.length] as string;
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
    let type = CODE_TYPES[code];
    if (type && weekend && (type === 'Dag' || type === 'Kväll')) type = 'Helg';
    if (!type) continue;

    const times = SHIFT_TIMES[type];
    const local = (dayOffset: number, [hour, minute]: readonly [number, number]): number =>
      zonedToInstant(
        { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() + dayOffset, hour, minute, second: 0 },
        timeZone,
      );
    const startMs = local(0, times.start);
    if (opts.count === undefined && startMs >= toMs) break;
    if (startMs < fromMs) continue;

    const dateKey = date.toISOString().slice(0, 10);
    const rng = rngFor(opts.seed, opts.userIndex, dateKey);
    shifts.push({
      id: stableId('shf', opts.seed, opts.userIndex, dateKey),
      shift_type: type,
      start_time: formatZoned(startMs, timeZone),
      end_time: formatZoned(local(times.endDay, times.end), timeZone),
      status: rng() < CANCELLATION_RATE ? 'cancelled' : 'scheduled',
      location: rng() < AWAY_LOCATION_RATE ? pick(workplace.locations, rng) : homeLocation,
      note: rng() < NOTE_RATE ? pick(NOTES, rng) : null,
    });
  }
  return shifts;
}
