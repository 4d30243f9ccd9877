/**
 * Members' private addresses of the family calendar, and the calendar those addresses
 * serve. The secret in an address is the credential (no cookie reaches a phone's calendar
 * app): looked up by its SHA-256, replaced or removed at once on request. The calendar
 * covers 30 days back to 365 ahead; its ETag is a fingerprint of the family's events in
 * that range, so a phone that already has them gets a 304 without a single event read.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Db, DbOrTx } from '../../db/client.js';
import type { TokenCipher } from '../../lib/token-cipher.js';
import type { AuthUser } from '../accounts/types.js';
import type { EventRow } from '../calendar/repository.js';
import { writeCalendar } from './ics-writer.js';
import * as feedsRepo from './repository.js';

const DAY_MS = 86_400_000;
export const FEED_PAST_DAYS = 30;
export const FEED_FUTURE_DAYS = 365;
const CALENDAR_NAME = 'Familjehubben';
/**
 * The most events one feed carries, the earliest first: a year of two parents' shifts and
 * the family's own events is a few thousand; the cap bounds one phone's poll in memory.
 */
export const FEED_MAX_EVENTS = 10_000;
/** Bumped when the calendar's format changes, so phones fetch it again. */
const FORMAT_VERSION = 1;

export interface FeedEvents {
  list(db: DbOrTx, familyId: string, from: Date, to: Date, page: { limit: number }): Promise<EventRow[]>;
  fingerprint(db: DbOrTx, familyId: string, from: Date, to: Date): Promise<string>;
}

export interface FeedServiceDeps {
  db: Db;
  cipher: TokenCipher;
  /** The calendar module's reads of the family's events. */
  events: FeedEvents;
  clock: () => Date;
  publicApiUrl: string;
}

export type FeedAnswer = { kind: 'not_found' } | { kind: 'not_modified'; etag: string } | { kind: 'calendar'; etag: string; body: string };

const digest = (secret: string) => createHash('sha256').update(secret).digest('base64url');

/** The range a feed covers, from the start of today (UTC), so its ETag holds for the day. */
export function feedRange(now: Date): { from: Date; to: Date } {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { from: new Date(day - FEED_PAST_DAYS * DAY_MS), to: new Date(day + FEED_FUTURE_DAYS * DAY_MS) };
}

export function createFeedService({ db, cipher, events, clock, publicApiUrl }: FeedServiceDeps) {
  const addressOf = (secret: string) => `${publicApiUrl}/feed/${secret}.ics`;

  /** A new address for the member; the one they had stops working at once. */
  async function create(user: AuthUser): Promise<string> {
    const secret = randomBytes(32).toString('base64url');
    await feedsRepo.saveFeed(db, { userId: user.id, familyId: user.familyId, secretHash: digest(secret), secretEnc: cipher.encrypt(secret), now: clock() });
    return addressOf(secret);
  }

  async function current(user: AuthUser): Promise<string | null> {
    const feed = await feedsRepo.findMemberFeed(db, user.familyId, user.id);
    return feed ? addressOf(cipher.decrypt(feed.secretEnc)) : null;
  }

  async function remove(user: AuthUser): Promise<void> {
    await feedsRepo.deleteMemberFeed(db, user.familyId, user.id);
  }

  /** The calendar behind a secret, or a 304 when `ifNoneMatch` names its current ETag. */
  async function render(secret: string, ifNoneMatch: string | undefined): Promise<FeedAnswer> {
    const feed = await feedsRepo.findFeedBySecretHash(db, digest(secret));
    if (!feed) return { kind: 'not_found' };
    const { from, to } = feedRange(clock());
    const fingerprint = await events.fingerprint(db, feed.familyId, from, to);
    const etag = `"${createHash('sha1').update(`${FORMAT_VERSION}|${from.toISOString()}|${fingerprint}`).digest('base64url')}"`;
    if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)) return { kind: 'not_modified', etag };
    const rows = await events.list(db, feed.familyId, from, to, { limit: FEED_MAX_EVENTS });
    return { kind: 'calendar', etag, body: writeCalendar(CALENDAR_NAME, rows) };
  }

  return { create, current, remove, render };
}

export type FeedService = ReturnType<typeof createFeedService>;
