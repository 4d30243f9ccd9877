/**
 * Sending one Web Push message (RFC 8030), bounded. The `web-push` library encrypts the
 * payload (RFC 8291, aes128gcm) and signs the VAPID header (RFC 8292); the request itself is
 * sent here, so that it is bounded in time and in what is read back (the library reads a
 * push service's answer whole and follows its own timeout only), and never redirected.
 */
import { ECDH } from 'node:crypto';
import webpush from 'web-push';
import type { PushTarget } from './repository/push-subscriptions.js';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/** Push services hold a message this long for a device that is offline. */
const TTL_SECONDS = 24 * 3_600;
const TIMEOUT_MS = 10_000;
/** A push service answers with a short text at most; more is not read. */
const MAX_ANSWER_BYTES = 16 * 1024;
/** The largest payload a push service must accept is 4096 bytes of ciphertext; this leaves room for the encryption's overhead. */
export const MAX_PAYLOAD_BYTES = 3_000;

/** `delivered`; `gone`: the subscription no longer exists (404/410) and must be removed; `failed`: try again with the next message. */
export type PushOutcome = { kind: 'delivered' } | { kind: 'gone'; status: number } | { kind: 'failed'; reason: string };

async function drain(response: Response): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) return;
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    read += value.byteLength;
    if (read > MAX_ANSWER_BYTES) {
      await reader.cancel();
      return;
    }
  }
}

/** Whether a browser's `p256dh` key is a point on P-256 that a message can be encrypted to. */
export function isP256PublicKey(key: string): boolean {
  try {
    return ECDH.convertKey(key, 'prime256v1', 'base64url', 'base64url', 'uncompressed').length > 0;
  } catch {
    return false;
  }
}

export function createPushSender(vapid: VapidKeys, options: { timeoutMs?: number } = {}) {
  const timeoutMs = options.timeoutMs ?? TIMEOUT_MS;

  return async function send(target: Pick<PushTarget, 'endpoint' | 'p256dh' | 'auth'>, payload: string): Promise<PushOutcome> {
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) return { kind: 'failed', reason: 'payload_too_large' };
    let details: ReturnType<typeof webpush.generateRequestDetails>;
    try {
      details = webpush.generateRequestDetails({ endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } }, payload, {
        vapidDetails: vapid,
        TTL: TTL_SECONDS,
        contentEncoding: 'aes128gcm',
        urgency: 'high',
      });
    } catch {
      // Keys are checked when a subscription is stored, so this is not the subscription's fault: keep it.
      return { kind: 'failed', reason: 'encryption_failed' };
    }
    const headers = Object.fromEntries(Object.entries(details.headers).map(([k, v]) => [k, String(v)]));
    try {
      const response = await fetch(details.endpoint, {
        method: details.method,
        headers,
        body: details.body as Buffer<ArrayBuffer>,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      await drain(response);
      if (response.status >= 200 && response.status < 300) return { kind: 'delivered' };
      if (response.status === 404 || response.status === 410) return { kind: 'gone', status: response.status };
      return { kind: 'failed', reason: `status_${response.status}` };
    } catch (err) {
      return { kind: 'failed', reason: (err as Error).name === 'TimeoutError' ? 'timeout' : 'network_error' };
    }
  };
}

export type PushSender = ReturnType<typeof createPushSender>;
