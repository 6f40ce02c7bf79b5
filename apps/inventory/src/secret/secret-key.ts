import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InventoryConfig } from '../inventory.config';
import { SecretCipher } from './secret-cipher';

/**
 * The cipher of secrets at rest, from SECRET_ENCRYPTION_KEY; required with DATABASE_URL. With the
 * embedded default (no DATABASE_URL) a key is generated once under DATA_DIR and kept there.
 */
export function loadSecretCipher(config: InventoryConfig): SecretCipher {
  if (config.secretEncryptionKey) return new SecretCipher(SecretCipher.parseKey(config.secretEncryptionKey));
  if (config.databaseUrl) {
    throw new Error('Invalid configuration:\n  SECRET_ENCRYPTION_KEY: required with DATABASE_URL (32 bytes, hex or base64)');
  }
  const file = join(resolve(config.dataDir), 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(resolve(config.dataDir), { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
    new Logger('Database').warn(`generated a secret encryption key in ${file}: keep it with the data, secrets cannot be read without it`);
  }
  return new SecretCipher(SecretCipher.parseKey(readFileSync(file, 'utf8')));
}
