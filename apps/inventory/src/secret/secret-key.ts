import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InventoryConfig } from '../inventory.config';
import { SecretCipher } from './secret-cipher';

/** A key file anyone but its owner can read is refused: the key opens every secret. */
export function readKeyFile(file: string, variable: string): string {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new Error(
      `Invalid configuration:\n  ${variable}: ${file} is readable by its group or others (mode ${mode.toString(8).padStart(3, '0')}); chmod 600 it`,
    );
  }
  return readFileSync(file, 'utf8');
}

/**
 * The cipher of secrets at rest: the key from SECRET_ENCRYPTION_KEY or SECRET_ENCRYPTION_KEY_FILE,
 * required with DATABASE_URL; with the embedded default (no DATABASE_URL) a key generated once
 * under DATA_DIR and kept there. SECRET_ENCRYPTION_PREVIOUS_KEYS only decrypt (key rotation).
 */
export function loadSecretCipher(config: InventoryConfig): SecretCipher {
  const previous = config.secretPreviousKeys.map((key) => SecretCipher.parseKey(key, 'SECRET_ENCRYPTION_PREVIOUS_KEYS'));
  if (config.secretEncryptionKey) return new SecretCipher(SecretCipher.parseKey(config.secretEncryptionKey), previous);
  if (config.secretEncryptionKeyFile) {
    const text = readKeyFile(config.secretEncryptionKeyFile, 'SECRET_ENCRYPTION_KEY_FILE');
    return new SecretCipher(SecretCipher.parseKey(text, 'SECRET_ENCRYPTION_KEY_FILE'), previous);
  }
  if (config.databaseUrl) {
    throw new Error(
      'Invalid configuration:\n  SECRET_ENCRYPTION_KEY: required with DATABASE_URL (32 bytes, hex or base64; or SECRET_ENCRYPTION_KEY_FILE)',
    );
  }
  const file = join(resolve(config.dataDir), 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(resolve(config.dataDir), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    new Logger('Database').warn(`generated a secret encryption key in ${file}: keep it with the data, secrets cannot be read without it`);
  }
  return new SecretCipher(SecretCipher.parseKey(readKeyFile(file, `the key file ${file}`), `the key file ${file}`), previous);
}
