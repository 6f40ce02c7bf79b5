import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const LEGACY_VERSION = 1;
const VERSION = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_BYTES = 8;
/** A random 32-byte key has about 30 distinct byte values; fewer than this is a made-up key. */
const MIN_DISTINCT_BYTES = 16;

/** Whose secret a ciphertext is: bound into it, so that it decrypts nowhere else. */
export interface SecretBinding {
  domain_id: string;
  secret_id: string;
}

/**
 * AES-256-GCM for secret data at rest.
 *
 *   version 2: 0x02 | key id (8) | IV (12) | tag (16) | ciphertext;
 *              AAD = "v2", key id, domain id, secret id (a ciphertext moved to another secret or
 *              domain, or relabelled with another key id, does not decrypt)
 *   version 1 (before key ids): 0x01 | IV | tag | ciphertext; AAD = secret id. Still read, with
 *              every key of the ring; `npm run secret-key:rotate` rewrites it as version 2.
 *
 * The key id is a hash of the key, so a ciphertext says which key of the ring opens it. Previous
 * keys (SECRET_ENCRYPTION_PREVIOUS_KEYS) only decrypt; new ciphertexts use the current key.
 */
export class SecretCipher {
  private readonly keys = new Map<string, Buffer>();
  readonly keyId: Buffer;

  constructor(key: Buffer, previousKeys: Buffer[] = []) {
    for (const each of [key, ...previousKeys]) {
      if (each.length !== 32) throw new Error('The secret encryption key must be 32 bytes');
      this.keys.set(keyIdOf(each).toString('hex'), each);
    }
    this.keyId = keyIdOf(key);
  }

  /** A key given as 64 hex characters or as base64 of 32 bytes; weak keys are refused. */
  static parseKey(text: string, variable = 'SECRET_ENCRYPTION_KEY'): Buffer {
    const trimmed = text.trim();
    const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
    const problem = key.length !== 32 ? `must be 32 bytes as 64 hex characters or base64 (got ${key.length} bytes)` : weakness(key);
    if (problem) {
      throw new Error(`Invalid configuration:\n  ${variable}: ${problem}; generate one with: openssl rand -base64 32`);
    }
    return key;
  }

  encrypt(binding: SecretBinding, data: Record<string, unknown>): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keys.get(this.keyId.toString('hex'))!, iv);
    cipher.setAAD(aadOf(this.keyId, binding));
    const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION]), this.keyId, iv, cipher.getAuthTag(), ciphertext]);
  }

  decrypt(binding: SecretBinding, blob: Buffer): Record<string, unknown> {
    if (blob[0] === VERSION && blob.length >= 1 + KEY_ID_BYTES + IV_BYTES + TAG_BYTES) {
      const keyId = blob.subarray(1, 1 + KEY_ID_BYTES);
      const key = this.keys.get(keyId.toString('hex'));
      if (!key) {
        throw new Error(`Secret ${binding.secret_id} is encrypted with key ${keyId.toString('hex')}, which is not configured`);
      }
      const plain = open(key, aadOf(keyId, binding), blob.subarray(1 + KEY_ID_BYTES));
      if (plain) return plain;
    } else if (blob[0] === LEGACY_VERSION && blob.length >= 1 + IV_BYTES + TAG_BYTES) {
      for (const key of this.keys.values()) {
        const plain = open(key, Buffer.from(binding.secret_id, 'utf8'), blob.subarray(1));
        if (plain) return plain;
      }
    } else {
      throw new Error(`Secret ${binding.secret_id} has an unreadable ciphertext`);
    }
    // never include the data or the key: only that this secret cannot be read with these keys
    throw new Error(`Secret ${binding.secret_id} cannot be decrypted with the configured key`);
  }

  /** Whether a ciphertext is of an older format or key than what encrypt() writes now. */
  isCurrent(blob: Buffer): boolean {
    return blob[0] === VERSION && blob.subarray(1, 1 + KEY_ID_BYTES).equals(this.keyId);
  }
}

function keyIdOf(key: Buffer): Buffer {
  return createHash('sha256').update('cloud-inventory secret key id\0').update(key).digest().subarray(0, KEY_ID_BYTES);
}

function aadOf(keyId: Buffer, binding: SecretBinding): Buffer {
  return Buffer.from(JSON.stringify(['v2', keyId.toString('hex'), binding.domain_id, binding.secret_id]), 'utf8');
}

/** IV | tag | ciphertext opened with `key`, or null when it does not authenticate. */
function open(key: Buffer, aad: Buffer, sealed: Buffer): Record<string, unknown> | null {
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(aad);
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  try {
    const plain = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return null;
  }
}

/** Why a 32-byte key is too weak to use, if it is: all one byte (all zero), a short pattern repeated. */
function weakness(key: Buffer): string | undefined {
  if (key.every((byte) => byte === key[0])) return `is weak: every byte is 0x${key[0].toString(16).padStart(2, '0')}`;
  const distinct = new Set(key).size;
  if (distinct < MIN_DISTINCT_BYTES) return `is weak: only ${distinct} distinct byte values (a random key has about 30)`;
  for (let period = 1; period <= 16; period++) {
    if (key.subarray(period).equals(key.subarray(0, key.length - period))) return `is weak: a pattern of ${period} bytes repeated`;
  }
  return undefined;
}
