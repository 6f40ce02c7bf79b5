import { createCipheriv, randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { secretV1 } from '@cloud-inventory/proto';
import { SecretCipher } from './secret/secret-cipher';
import { SecretRepository } from './secret/secret.repository';
import { SecretService } from './secret/secret.service';
import { runSecretKeyCommand } from './secret-key-command';
import { createMigratedDatabase, MigratedDatabase } from './testing/migrated-database';

const DOMAIN = 'domain-rotate';

function legacyBlob(key: Buffer, secretId: string, data: unknown): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(secretId, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(data), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), ciphertext]);
}

describe('npm run secret-key:rotate (main.js secret-key rotate)', () => {
  let db: MigratedDatabase;
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  afterAll(async () => {
    process.env = saved;
    await db.close();
  });

  async function run(env: Record<string, string>): Promise<string> {
    process.env = { ...saved, ...env, DATABASE_URL: db.database.url, DB_POOL_SIZE: '2' };
    const out = new PassThrough();
    let text = '';
    out.on('data', (chunk) => (text += chunk));
    await runSecretKeyCommand(['rotate'], out);
    return text;
  }

  it('re-encrypts every secret under the new key (older keys and the format before key ids alike), losing nothing', async () => {
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const service = new SecretService(new SecretRepository(db.dataSource), new SecretCipher(oldKey), { quotas: { collectorsPerDomain: 100, secretsPerDomain: 100 } });
    const written = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < 7; i++) {
      const data = { access_key: `key-${i}`, n: i };
      const info = await service.create(
        {
          name: `s-${i}`,
          data,
          schema_id: '',
          tags: {},
          resource_group: secretV1.CreateSecretRequest_ResourceGroup.DOMAIN,
          workspace_id: '',
          project_id: '',
          service_account_id: '',
          trusted_secret_id: '',
          provider: 'aws',
        },
        { domain_id: DOMAIN, role: 'DOMAIN_ADMIN' as const },
      );
      written.set(info.secret_id, data);
    }
    // one secret as stored before key ids existed
    const [legacyId] = [...written.keys()];
    await db.dataSource.query(`UPDATE secret SET encrypted_data = $2 WHERE secret_id = $1`, [legacyId, legacyBlob(oldKey, legacyId, written.get(legacyId))]);

    const env = { SECRET_ENCRYPTION_KEY: newKey.toString('base64'), SECRET_ENCRYPTION_PREVIOUS_KEYS: oldKey.toString('hex') };
    const newOnly = new SecretCipher(newKey);
    expect(await run(env)).toBe(`secret-key rotate: 7 secrets re-encrypted under key ${newOnly.keyId.toString('hex')}, 0 already were\n`);

    const rows: Array<{ secret_id: string; domain_id: string; encrypted_data: Buffer }> = await db.dataSource.query(
      `SELECT secret_id, domain_id, encrypted_data FROM secret WHERE domain_id = $1`,
      [DOMAIN],
    );
    expect(rows).toHaveLength(7);
    for (const row of rows) {
      expect(newOnly.isCurrent(row.encrypted_data)).toBe(true);
      expect(newOnly.decrypt(row, row.encrypted_data)).toEqual(written.get(row.secret_id));
    }
    // run again: nothing left to do
    expect(await run(env)).toBe(`secret-key rotate: 0 secrets re-encrypted under key ${newOnly.keyId.toString('hex')}, 7 already were\n`);
  });

  it('stops, writing nothing of its batch, when a secret cannot be opened with the configured keys', async () => {
    const stranger = randomBytes(32);
    await expect(run({ SECRET_ENCRYPTION_KEY: stranger.toString('base64') })).rejects.toThrow(/is encrypted with key [0-9a-f]{16}, which is not configured/);
  });
});
