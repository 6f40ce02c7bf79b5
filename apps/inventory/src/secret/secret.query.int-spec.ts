import { randomBytes } from 'node:crypto';
import { ErrorCode, ProtoJson } from '@cloud-inventory/grpc';
import { secretV1 } from '@cloud-inventory/proto';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { SecretCipher } from './secret-cipher';
import { SecretRepository } from './secret.repository';
import { SecretService } from './secret.service';

/** Secret list and stat through the query language: never the data, always the caller's domain. */
describe('Secret list and stat on PostgreSQL', () => {
  let db: MigratedDatabase;
  let service: SecretService;
  const protoJson = ProtoJson.load(['secretV1']);
  const decode = <T>(type: string, json: Record<string, unknown>) => protoJson.decode<T>(`spaceone.api.secret.v1.${type}`, json);
  const scope = { domain_id: 'domain-secret-a', role: 'DOMAIN_ADMIN' as const };

  beforeAll(async () => {
    db = await createMigratedDatabase();
    service = new SecretService(new SecretRepository(db.dataSource), new SecretCipher(randomBytes(32)), { quotas: { collectorsPerDomain: 1000, secretsPerDomain: 1000 } });
    for (const [i, provider] of ['aws', 'aws', 'google_cloud', 'aws'].entries()) {
      await service.create(
        decode<secretV1.CreateSecretRequest>('CreateSecretRequest', {
          name: `account ${i}`,
          provider,
          data: { api_key: `key-${i}-never-listed` },
          ...(i === 3 ? { workspace_id: 'ws-1' } : {}),
        }),
        i === 1 ? { domain_id: 'domain-secret-b', role: 'DOMAIN_ADMIN' as const } : scope,
      );
    }
  });

  afterAll(() => db.close());

  it('lists by created_at with the SecretQuery filters, the workspace and the query, never the data', async () => {
    const all = await service.list(decode('SecretQuery', {}), scope);
    expect(all.results.map((r) => r.name)).toEqual(['account 0', 'account 2', 'account 3']);
    expect(JSON.stringify(all)).not.toContain('never-listed');
    expect((await service.list(decode('SecretQuery', { provider: 'aws' }), scope)).results.map((r) => r.name)).toEqual(['account 0', 'account 3']);
    expect((await service.list(decode('SecretQuery', { workspace_id: 'ws-1' }), scope)).results.map((r) => r.name)).toEqual(['account 3']);
    const named = await service.list(decode('SecretQuery', { query: { filter: [{ k: 'name', v: 'ACCOUNT 2', o: 'contain' }], only: ['name'] } }), scope);
    expect(named).toEqual({ results: [{ name: 'account 2', created_at: expect.any(String), secret_id: expect.any(String) }], total_count: 1 });
    await expect(service.list(decode('SecretQuery', { query: { filter: [{ k: 'encrypted_data', v: true, o: 'exists' }] } }), scope)).rejects.toMatchObject({
      code: ErrorCode.INVALID_PARAMETER,
    });
  });

  it('stats the caller domain only', async () => {
    const result = await service.stat(
      decode('SecretStatQuery', { query: { aggregate: [{ group: { keys: [{ key: 'provider', name: 'provider' }], fields: [{ operator: 'count', name: 'n' }] } }, { sort: [{ key: 'provider' }] }] } }),
      scope,
    );
    expect(result).toEqual({ results: [{ provider: 'aws', n: 2 }, { provider: 'google_cloud', n: 1 }] });
  });
});
