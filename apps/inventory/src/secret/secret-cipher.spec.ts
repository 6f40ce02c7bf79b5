import { createCipheriv, randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventoryConfig } from '../inventory.config';
import { SecretCipher } from './secret-cipher';
import { loadSecretCipher } from './secret-key';

const A = { domain_id: 'domain-a', secret_id: 'secret-aaa' };

/** A ciphertext as the inventory wrote them before key ids (version 1: AAD = secret id). */
function legacyBlob(key: Buffer, secretId: string, data: unknown): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(secretId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), ciphertext]);
}

describe('SecretCipher', () => {
  const key = randomBytes(32);
  const cipher = new SecretCipher(key);
  const data = { account_id: '123456789012', api_key: 'super-secret-value' };

  it('round-trips secret data and never stores it in the clear', () => {
    const blob = cipher.encrypt(A, data);
    expect(blob.toString('utf8')).not.toContain('super-secret-value');
    expect(blob.toString('latin1')).not.toContain('123456789012');
    expect(cipher.decrypt(A, blob)).toEqual(data);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt(A, data).equals(cipher.encrypt(A, data))).toBe(false);
  });

  it('binds the ciphertext to its domain and secret: moved to another secret or domain, or tampered with, it does not decrypt', () => {
    const blob = cipher.encrypt(A, data);
    expect(() => cipher.decrypt({ ...A, secret_id: 'secret-bbb' }, blob)).toThrow('cannot be decrypted');
    expect(() => cipher.decrypt({ ...A, domain_id: 'domain-b' }, blob)).toThrow('cannot be decrypted');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt(A, tampered)).toThrow('cannot be decrypted');
  });

  it('carries its key id: another key says which key it needs, without echoing data; a relabelled key id does not decrypt', () => {
    const blob = cipher.encrypt(A, data);
    expect(blob.subarray(1, 9).equals(cipher.keyId)).toBe(true);
    const other = new SecretCipher(randomBytes(32));
    expect(() => other.decrypt(A, blob)).toThrow(`Secret secret-aaa is encrypted with key ${cipher.keyId.toString('hex')}, which is not configured`);
    // a ring holding both keys: the id picks the key, and the id is authenticated
    const ring = new SecretCipher(randomBytes(32), [key]);
    expect(ring.decrypt(A, blob)).toEqual(data);
    const relabelled = Buffer.from(blob);
    ring.keyId.copy(relabelled, 1);
    expect(() => ring.decrypt(A, relabelled)).toThrow('cannot be decrypted');
  });

  it('still reads what was written before key ids (version 1), with the current or a previous key, and says it is not current', () => {
    const legacy = legacyBlob(key, A.secret_id, data);
    expect(cipher.decrypt(A, legacy)).toEqual(data);
    expect(new SecretCipher(randomBytes(32), [key]).decrypt(A, legacy)).toEqual(data);
    expect(cipher.isCurrent(legacy)).toBe(false);
    expect(cipher.isCurrent(cipher.encrypt(A, data))).toBe(true);
    expect(new SecretCipher(randomBytes(32), [key]).isCurrent(cipher.encrypt(A, data))).toBe(false);
  });

  it('parses hex and base64 keys and rejects other lengths', () => {
    const random = randomBytes(32);
    expect(SecretCipher.parseKey(random.toString('hex')).equals(random)).toBe(true);
    expect(SecretCipher.parseKey(random.toString('base64')).equals(random)).toBe(true);
    expect(() => SecretCipher.parseKey('c2hvcnQ=')).toThrow('SECRET_ENCRYPTION_KEY: must be 32 bytes as 64 hex characters or base64 (got 5 bytes)');
  });

  it.each([
    ['all zero', Buffer.alloc(32), 'every byte is 0x00'],
    ['one byte repeated', Buffer.alloc(32, 0x41), 'every byte is 0x41'],
    ['a short pattern repeated', Buffer.from('abcd'.repeat(8)), 'only 4 distinct byte values'],
    ['a 16-byte pattern twice', Buffer.concat([Buffer.from('0123456789abcdef'), Buffer.from('0123456789abcdef')]), 'a pattern of 16 bytes repeated'],
    ['hex of a counting sequence', Buffer.from('0123456789abcdef'.repeat(4), 'hex'), 'distinct byte values'],
  ])('refuses a weak key (%s) with a clear message', (_name, weak, message) => {
    expect(() => SecretCipher.parseKey(weak.toString('base64'))).toThrow(message);
    expect(() => SecretCipher.parseKey(weak.toString('base64'))).toThrow('openssl rand -base64 32');
  });
});

describe('loadSecretCipher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'secret-key-'));

  it('reads SECRET_ENCRYPTION_KEY_FILE only when its owner alone can read it', () => {
    const file = join(dir, 'key');
    const key = randomBytes(32);
    writeFileSync(file, key.toString('base64'));
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(file, mode);
      expect(() => loadSecretCipher(loadInventoryConfig({ SECRET_ENCRYPTION_KEY_FILE: file }))).toThrow(
        `SECRET_ENCRYPTION_KEY_FILE: ${file} is readable by its group or others (mode ${mode.toString(8)}); chmod 600 it`,
      );
    }
    chmodSync(file, 0o600);
    expect(loadSecretCipher(loadInventoryConfig({ SECRET_ENCRYPTION_KEY_FILE: file })).keyId).toEqual(new SecretCipher(key).keyId);
  });

  it("refuses the embedded default's key file once its permissions are loosened, and a weak previous key", () => {
    const dataDir = join(dir, 'data');
    const cipher = loadSecretCipher(loadInventoryConfig({ DATA_DIR: dataDir }));
    expect(loadSecretCipher(loadInventoryConfig({ DATA_DIR: dataDir })).keyId).toEqual(cipher.keyId);
    chmodSync(join(dataDir, 'secret.key'), 0o644);
    expect(() => loadSecretCipher(loadInventoryConfig({ DATA_DIR: dataDir }))).toThrow('is readable by its group or others');
    expect(() =>
      loadSecretCipher(loadInventoryConfig({ SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex'), SECRET_ENCRYPTION_PREVIOUS_KEYS: Buffer.alloc(32).toString('hex') })),
    ).toThrow('SECRET_ENCRYPTION_PREVIOUS_KEYS: is weak');
  });
});
