import { randomBytes } from 'node:crypto';
import { ErrorCode, ProtoJson } from '@cloud-inventory/grpc';
import { secretV1 } from '@cloud-inventory/proto';
import { SecretCipher } from '../secret/secret-cipher';
import { SecretRepository } from '../secret/secret.repository';
import { SecretService } from '../secret/secret.service';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { RequestScope } from '../common/request-scope';
import { CollectorEntity } from './collector.entity';
import { CollectorRepository } from './collector.repository';

const QUOTA = 3;
const protoJson = ProtoJson.load(['secretV1']);
const ATTEMPTS = 12;

function collector(domainId: string, n: number): CollectorEntity {
  return Object.assign(new CollectorEntity(), {
    collector_id: `collector-${domainId}-${n}-${randomBytes(3).toString('hex')}`,
    name: `c${n}`,
    provider: 'synthetic',
    capability: {},
    plugin_id: 'synthetic',
    plugin_info: { plugin_id: 'synthetic', version: '', options: {}, metadata: {}, upgrade_mode: 'AUTO' },
    secret_filter: { state: 'DISABLED', secrets: [], service_accounts: [], schemas: [], exclude_secrets: [], exclude_service_accounts: [], exclude_schemas: [] },
    schedule: { state: 'DISABLED', hours: [] },
    tags: {},
    resource_group: 'DOMAIN',
    domain_id: domainId,
    workspace_id: '*',
    last_collected_at: null,
  });
}

async function settle<T>(work: Promise<T>[]): Promise<{ created: number; refused: unknown[] }> {
  const outcomes = await Promise.allSettled(work);
  return {
    created: outcomes.filter((o) => o.status === 'fulfilled').length,
    refused: outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected').map((o) => (o.reason as { code?: string }).code ?? o.reason),
  };
}

describe('per-domain quotas on collectors and secrets, under concurrent creations', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });
  afterAll(async () => db?.close());

  const count = async (table: string, domainId: string) =>
    Number((await db.dataSource.query(`SELECT count(*) AS n FROM ${table} WHERE domain_id = $1`, [domainId]))[0].n);

  it(`creates exactly ${QUOTA} collectors of ${ATTEMPTS} started at once, refuses the rest with ERROR_QUOTA_EXCEEDED, and leaves other domains alone`, async () => {
    const repository = new CollectorRepository(db.dataSource);
    const crowded = await settle(Array.from({ length: ATTEMPTS }, (_, n) => repository.insert(collector('domain-q1', n), QUOTA)));
    expect(crowded).toEqual({ created: QUOTA, refused: Array(ATTEMPTS - QUOTA).fill(ErrorCode.QUOTA_EXCEEDED) });
    expect(await count('collector', 'domain-q1')).toBe(QUOTA);
    // another domain has its own quota
    const other = await settle(Array.from({ length: 2 }, (_, n) => repository.insert(collector('domain-q2', n), QUOTA)));
    expect(other).toEqual({ created: 2, refused: [] });
    // a deletion frees a place
    await db.dataSource.query(`DELETE FROM collector WHERE collector_id = (SELECT collector_id FROM collector WHERE domain_id = 'domain-q1' LIMIT 1)`);
    expect((await settle([repository.insert(collector('domain-q1', 99), QUOTA), repository.insert(collector('domain-q1', 98), QUOTA)])).created).toBe(1);
    expect(await count('collector', 'domain-q1')).toBe(QUOTA);
  });

  it('secrets likewise, with a message that names the setting', async () => {
    const service = new SecretService(new SecretRepository(db.dataSource), new SecretCipher(randomBytes(32)), {
      quotas: { collectorsPerDomain: 1000, secretsPerDomain: QUOTA },
    });
    const scope: RequestScope = { domain_id: 'domain-q3', role: 'DOMAIN_ADMIN' };
    const create = (n: number) => service.create(protoJson.decode<secretV1.CreateSecretRequest>('spaceone.api.secret.v1.CreateSecretRequest', { name: `s${n}`, provider: 'synthetic', data: { n } }), scope);
    const crowded = await settle(Array.from({ length: ATTEMPTS }, (_, n) => create(n)));
    expect(crowded).toEqual({ created: QUOTA, refused: Array(ATTEMPTS - QUOTA).fill(ErrorCode.QUOTA_EXCEEDED) });
    expect(await count('secret', 'domain-q3')).toBe(QUOTA);
    await expect(create(100)).rejects.toMatchObject({ code: ErrorCode.QUOTA_EXCEEDED, message: expect.stringContaining('DOMAIN_MAX_SECRETS = 3') });
  });
});
