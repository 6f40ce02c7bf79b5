import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM for secret data at rest. Layout: version (1 byte) | IV (12) | tag (16) | ciphertext.
 * The secret id is the additional authenticated data, so a ciphertext copied onto another row
 * does not decrypt.
 */
export class SecretCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new Error('The secret encryption key must be 32 bytes');
    this.key = key;
  }

  /** A key given as 64 hex characters or as base64 of 32 bytes. */
  static parseKey(text: string): Buffer {
    const trimmed = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    if (key.length !== 32) {
      throw new Error('Invalid configuration:\n  SECRET_ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64');
    }
    return key;
  }

  encrypt(secretId: string, data: Record<string, unknown>): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(secretId, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
  }

  decrypt(secretId: string, blob: Buffer): Record<string, unknown> {
    if (blob.length < 1 + IV_BYTES + TAG_BYTES || blob[0] !== VERSION) {
      throw new Error(`Secret ${secretId} has an unreadable ciphertext`);
    }
    const iv = blob.subarray(1, 1 + IV_BYTES);
    const tag = blob.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAAD(Buffer.from(secretId, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      const plain = Buffer.concat([decipher.update(blob.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
      return JSON.parse(plain.toString('utf8'));
    } catch {
      // never include the data or the key: only that this secret cannot be read with this key
      throw new Error(`Secret ${secretId} cannot be decrypted with the configured key`);
    }
  }
}
