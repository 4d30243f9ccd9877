/**
 * Encrypts secrets at rest (Tempus tokens, the PKCE verifier) with AES-256-GCM under the
 * keys of TEMPUS_TOKEN_ENCRYPTION_KEY. Each ciphertext names the key version that made it
 * (`v2.<iv>.<tag>.<data>`), so keys can be rotated: old versions still decrypt, new writes
 * use the current key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { EncryptionKey } from '../config.js';

export interface TokenCipher {
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** The version new ciphertexts are made with; older ones are rewritten in the background. */
  readonly currentVersion: number;
}

export function createTokenCipher(keys: { current: EncryptionKey; all: readonly EncryptionKey[] }): TokenCipher {
  const byVersion = new Map(keys.all.map((k) => [k.version, k.key]));

  function versionOf(stored: string): number {
    const match = /^v(\d+)\./.exec(stored);
    if (!match) throw new Error('Stored token has no key version');
    return Number(match[1]);
  }

  return {
    currentVersion: keys.current.version,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keys.current.key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [`v${keys.current.version}`, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
    },
    decrypt(stored) {
      const [, iv, tag, data] = stored.split('.');
      const key = byVersion.get(versionOf(stored));
      if (!key || !iv || !tag || data === undefined) throw new Error('Stored token cannot be decrypted with the configured keys');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
