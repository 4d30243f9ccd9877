/** Types shared inside the tempus module. */
import type { z } from 'zod';
import type { shiftSchema, tombstoneSchema } from './wire-schemas.js';

export type TempusShift = z.infer<typeof shiftSchema>;
export type TempusTombstone = z.infer<typeof tombstoneSchema>;
export type TempusItem = TempusShift | TempusTombstone;

export type SyncType = 'initial' | 'incremental' | 'full';
export type SyncTrigger = 'connect' | 'schedule' | 'manual' | 'admin';

export interface TokenSet {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date;
  scope: string | null;
}

export interface TempusProfile {
  id: string;
  email: string | null;
  name: string | null;
  timezone: string | null;
  employer: string | null;
}

/** The longest message a TempusError carries: text from Tempus is never stored, logged or served at length. */
const MAX_MESSAGE_LENGTH = 300;

/** Failure of a sync or a Tempus call, with a stable code for the status page and metrics. */
export class TempusError extends Error {
  constructor(
    readonly code:
      | 'invalid_grant'
      | 'insufficient_scope'
      | 'invalid_response'
      | 'rate_limited'
      | 'tempus_rate_limited'
      | 'unavailable'
      | 'timeout'
      | 'interrupted'
      | 'circuit_open'
      | 'version_removed'
      | 'invalid_cursor'
      | 'unauthorized'
      | 'request_failed'
      | 'network_error'
      | 'suspicious_empty_listing'
      | 'token_unreadable',
    message: string,
    readonly options: { status?: number; retryAfterMs?: number; transient?: boolean; retryAt?: Date } = {},
  ) {
    super(message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : message);
    this.name = 'TempusError';
  }
  get transient(): boolean {
    return this.options.transient ?? false;
  }
  /** When the account may be tried again, if Tempus said so (a block). */
  get retryAt(): Date | undefined {
    return this.options.retryAt;
  }
}
