/**
 * The Tempus API v1 wire format (../shared/tempus-api-v1.md) as zod schemas: what the
 * client accepts from Tempus. Unknown extra fields are ignored, as the contract asks.
 *
 * Text is made storable rather than refused: a NUL character or a lone UTF-16 surrogate in
 * one shift's text would otherwise fail every sync of the account for good. Shift times
 * outside a sane range (a shift in year 1 would show in every range of the calendar) make
 * the response malformed.
 */
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });
const EARLIEST_SHIFT = Date.UTC(2000, 0, 1);
const LATEST_SHIFT = Date.UTC(2100, 0, 1);
/** Longer than any shift, on-call week included. */
const MAX_SHIFT_MS = 14 * 86_400_000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The text with NUL characters removed and lone surrogates replaced by U+FFFD, so PostgreSQL can store it. */
export function storableText(text: string): string {
  return text.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

const text = (max: number) => z.string().max(max).transform(storableText);
const shiftId = z.string().min(1).max(200).transform(storableText);

export const shiftSchema = z
  .object({
    id: shiftId,
    shift_type: z.string().min(1).max(200).transform(storableText),
    start_time: instant,
    end_time: instant,
    status: z.enum(['scheduled', 'cancelled']),
    location: text(500).nullish(),
    note: text(5000).nullish(),
    updated_at: instant,
    deleted: z.literal(false).optional(),
  })
  .refine((s) => Date.parse(s.end_time) > Date.parse(s.start_time), { message: 'end_time must be after start_time' })
  .refine(
    (s) => Date.parse(s.start_time) >= EARLIEST_SHIFT && Date.parse(s.end_time) <= LATEST_SHIFT && Date.parse(s.end_time) - Date.parse(s.start_time) <= MAX_SHIFT_MS,
    { message: 'shift times outside the years 2000–2099 or longer than 14 days' },
  );

export const tombstoneSchema = z.object({
  id: shiftId,
  updated_at: instant,
  deleted: z.literal(true),
});

export const MAX_PAGE_SIZE = 500;

export const schedulesPageSchema = z.object({
  // A shift id may repeat within a listing, even within a page: the sync engine keeps its newest version.
  data: z.array(z.union([tombstoneSchema, shiftSchema])).max(MAX_PAGE_SIZE),
  next_cursor: z.string().min(1).max(4096).nullable(),
  server_time: instant,
});

export const profileSchema = z.object({
  id: z.string().min(1).max(200).transform(storableText),
  email: text(254).nullish(),
  name: text(200).nullish(),
  timezone: text(100).nullish(),
  employer: text(200).nullish(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
