// Opaque paging cursors: base64url of an HMAC-signed payload holding the query's
// fingerprint, the position reached (last updated_at, id) and when it was issued.
// Signing keeps clients from forging positions; the fingerprint and age checks enforce
// the contract's "repeat the parameters unchanged, within 15 minutes".
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const CURSOR_TTL_MS = 15 * 60 * 1000;
const SIGNATURE_BYTES = 16;

export interface CursorPosition {
  updatedMs: number;
  id: string;
}

interface CursorPayload {
  f: string;
  u: number;
  i: string;
  t: number;
}

export function queryFingerprint(parts: readonly unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 22);
}

export function createCursorCodec() {
  const key = randomBytes(32);
  const sign = (payload: Buffer): Buffer => createHmac('sha256', key).update(payload).digest().subarray(0, SIGNATURE_BYTES);

  return {
    encode(fingerprint: string, position: CursorPosition, issuedMs: number): string {
      const payload: CursorPayload = { f: fingerprint, u: position.updatedMs, i: position.id, t: issuedMs };
      const bytes = Buffer.from(JSON.stringify(payload), 'utf8');
      return Buffer.concat([sign(bytes), bytes]).toString('base64url');
    },

    /** Returns the position, or null for a forged, stale or foreign cursor. */
    decode(cursor: string, fingerprint: string, nowMs: number): CursorPosition | null {
      if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
      const raw = Buffer.from(cursor, 'base64url');
      if (raw.length <= SIGNATURE_BYTES) return null;
      const signature = raw.subarray(0, SIGNATURE_BYTES);
      const bytes = raw.subarray(SIGNATURE_BYTES);
      if (!timingSafeEqual(signature, sign(bytes))) return null;
      const payload = JSON.parse(bytes.toString('utf8')) as CursorPayload;
      if (payload.f !== fingerprint) return null;
      if (nowMs - payload.t > CURSOR_TTL_MS) return null;
      return { updatedMs: payload.u, id: payload.i };
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;
