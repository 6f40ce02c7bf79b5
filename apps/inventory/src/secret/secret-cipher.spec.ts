import { randomBytes } from 'node:crypto';
import { SecretCipher } from './secret-cipher';

describe('SecretCipher', () => {
  const cipher = new SecretCipher(randomBytes(32));
  const data = { account_id: '123456789012', api_key: 'super-secret-value' };

  it('round-trips secret data and never stores it in the clear', () => {
    const blob = cipher.encrypt('secret-aaa', data);
    expect(blob.toString('utf8')).not.toContain('super-secret-value');
    expect(blob.toString('latin1')).not.toContain('123456789012');
    expect(cipher.decrypt('secret-aaa', blob)).toEqual(data);
  });

  it('uses a fresh IV each time', () => {
    expect(cipher.encrypt('secret-aaa', data).equals(cipher.encrypt('secret-aaa', data))).toBe(false);
  });

  it('refuses a ciphertext moved to another secret, or tampered with', () => {
    const blob = cipher.encrypt('secret-aaa', data);
    expect(() => cipher.decrypt('secret-bbb', blob)).toThrow('cannot be decrypted');
    const tampered = Buffer.from(blob);
    tampered[tampered.length - 1] ^= 1;
    expect(() => cipher.decrypt('secret-aaa', tampered)).toThrow('cannot be decrypted');
  });

  it('refuses another key, without echoing data in the error', () => {
    const blob = cipher.encrypt('secret-aaa', data);
    const other = new SecretCipher(randomBytes(32));
    expect(() => other.decrypt('secret-aaa', blob)).toThrow(/^Secret secret-aaa cannot be decrypted/);
  });

  it('parses hex and base64 keys and rejects other lengths', () => {
    const key = randomBytes(32);
    expect(SecretCipher.parseKey(key.toString('hex')).equals(key)).toBe(true);
    expect(SecretCipher.parseKey(key.toString('base64')).equals(key)).toBe(true);
    expect(() => SecretCipher.parseKey('c2hvcnQ=')).toThrow('SECRET_ENCRYPTION_KEY');
  });
});
