import { loadInventoryConfig } from './inventory.config';
import { openDatabase } from './database/database-runtime';
import { loadSecretCipher } from './secret/secret-key';
import { rotateSecrets } from './secret/secret-rotation';

/**
 * `main.js secret-key rotate` (`npm run secret-key:rotate`): re-encrypts every secret under the
 * current key (SECRET_ENCRYPTION_KEY / _FILE), reading older ones with SECRET_ENCRYPTION_PREVIOUS_KEYS;
 * also moves secrets written before key ids to the current format. Same environment as the
 * inventory; run it after the inventories were restarted with the new key and the old one as previous.
 */
export async function runSecretKeyCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  if (argv[0] !== 'rotate' || argv.length > 1) {
    throw new Error('usage: secret-key rotate   (with SECRET_ENCRYPTION_KEY = the new key, SECRET_ENCRYPTION_PREVIOUS_KEYS = the old ones)');
  }
  const config = loadInventoryConfig();
  const cipher = loadSecretCipher(config);
  const database = await openDatabase(config);
  try {
    const result = await rotateSecrets(database.dataSource, cipher);
    out.write(`secret-key rotate: ${result.rotated} secrets re-encrypted under key ${cipher.keyId.toString('hex')}, ${result.current} already were\n`);
  } finally {
    await database.close();
  }
}
