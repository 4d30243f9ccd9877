/**
 * The Tempus API v1 wire format (../shared/tempus-api-v1.md) as zod schemas: what the
 * client accepts from Tempus. Unknown extra fields are ignored, as the contract asks.
 */
import { z } from 'zod';

const instant = z.iso.datetime({ offset: true });

export const shiftSchema = z
  .object({
    id: z.string().min(1).max(200),
    shift_type: z.string().min(1).max(200),
    start_time: instant,
    end_time: instant,
    status: z.enum(['scheduled', 'cancelled']),
    location: z.string().max(500).nullish(),
    note: z.string().max(5000).nullish(),
    updated_at: instant,
    deleted: z.literal(false).optional(),
  })
  .refine((s) => Date.parse(s.end_time) > Date.parse(s.start_time), { message: 'end_time must be after start_time' });

export const tombstoneSchema = z.object({
  id: z.string().min(1).max(200),
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
  id: z.string().min(1).max(200),
  email: z.string().max(254).nullish(),
  name: z.string().max(200).nullish(),
  timezone: z.string().max(100).nullish(),
  employer: z.string().max(200).nullish(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().regex(/^bearer$/i),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
