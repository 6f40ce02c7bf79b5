import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { decodeJwt } from 'jose';
import { loadInventoryConfig } from '../inventory.config';
import { prepareAuth } from './auth-runtime';
import { runTokenCommand } from './token-command';
import { publicJwkOf } from './token-keys';

describe('authentication set-up at start', () => {
  let dir: string;
  const config = (env: Record<string, string>) => loadInventoryConfig({ DATA_DIR: dir, ...env });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'auth-runtime-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('embedded default: makes a signing key (0600) once, trusts it, and writes an admin token (0600) that it accepts', async () => {
    const first = await prepareAuth(config({}));
    const keyFile = join(dir, 'auth/signing-key.pem');
    const tokenFile = join(dir, 'admin.token');
    expect([statSync(keyFile).mode & 0o777, statSync(tokenFile).mode & 0o777]).toEqual([0o600, 0o600]);
    const token = readFileSync(tokenFile, 'utf8').trim();
    expect(await first.verifier!.verify(token)).toEqual({ kind: 'access', domainId: 'domain-default', role: 'DOMAIN_ADMIN', permissions: undefined, userId: 'admin' });
    expect(decodeJwt(token)).toMatchObject({ typ: 'ACCESS_TOKEN', ver: '2.0', did: 'domain-default', rol: 'DOMAIN_ADMIN' });
    // the notices say where the token is, never the token itself
    const said = first.notices.map((n) => n.message).join('\n');
    expect(said).toContain(tokenFile);
    expect(said).not.toContain(token.split('.')[2]);
    expect(JSON.parse(readFileSync(join(dir, 'auth/jwks.json'), 'utf8')).keys).toHaveLength(1);

    // the key is kept: a second start still accepts the first token, and renews the admin token
    const key = readFileSync(keyFile, 'utf8');
    const second = await prepareAuth(config({}));
    expect(readFileSync(keyFile, 'utf8')).toBe(key);
    expect(await second.verifier!.verify(token)).toMatchObject({ domainId: 'domain-default' });
  });

  it('the token command mints, with the embedded key, a token of the domain, workspace and role asked for', async () => {
    const runtime = await prepareAuth(config({}));
    let printed = '';
    const out = new Writable({ write: (chunk, _encoding, done) => ((printed += chunk), done()) });
    const previous = process.env['DATA_DIR'];
    process.env['DATA_DIR'] = dir;
    try {
      await runTokenCommand(['--domain', 'domain-x', '--workspace', 'ws-1', '--role', 'WORKSPACE_MEMBER', '--projects', 'p-1,p-2', '--ttl', '2h'], out);
      await runTokenCommand(['--system', '--ttl', '90s'], out);
    } finally {
      if (previous === undefined) delete process.env['DATA_DIR'];
      else process.env['DATA_DIR'] = previous;
    }
    const [member, system] = printed.trim().split('\n');
    expect(await runtime.verifier!.verify(member)).toEqual({ kind: 'access', domainId: 'domain-x', role: 'WORKSPACE_MEMBER', workspaceId: 'ws-1', projects: ['p-1', 'p-2'], permissions: undefined, userId: 'cloud-inventory' });
    const claims = decodeJwt(member);
    expect(claims.exp! - claims.iat!).toBe(7200);
    expect(await runtime.verifier!.verify(system)).toEqual({ kind: 'system', permissions: undefined });
    await expect(runTokenCommand(['--role', 'WORKSPACE_OWNER'], out)).rejects.toThrow();
  });

  it('trusts configured keys (a JWKS file or value, or a signing key), and no key at all outside the embedded default', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const keyFile = join(dir, 'key.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const jwks = JSON.stringify({ keys: [await publicJwkOf(privateKey)] });
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, jwks);
    const external = { DATABASE_URL: 'postgres://u:p@db:5432/inventory', SECRET_ENCRYPTION_KEY: 'a'.repeat(64) };
    const sources: Record<string, string>[] = [{ AUTH_SIGNING_KEY_FILE: keyFile }, { AUTH_JWKS_FILE: jwksFile }, { AUTH_JWKS: jwks }];
    for (const env of sources) {
      const runtime = await prepareAuth(config({ ...external, ...env }));
      expect([env, runtime.verifier!.keySets, runtime.notices[0].level]).toEqual([env, 1, 'log']);
    }
    // with a database of its own and no key, nothing is generated: every call will be refused, said loudly
    const none = await prepareAuth(config(external));
    expect(none.verifier!.keySets).toBe(0);
    expect(none.notices[0]).toMatchObject({ level: 'error', message: expect.stringContaining('every API call is refused') });
    expect(() => statSync(join(dir, 'auth/signing-key.pem'))).toThrow();
    await expect(prepareAuth(config({ AUTH_JWKS: '{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}' }))).rejects.toThrow('RSA or EC public key');
    await expect(prepareAuth(config({ AUTH_JWKS: JSON.stringify({ keys: [privateKey.export({ format: 'jwk' })] }) }))).rejects.toThrow('private key');
    await expect(prepareAuth(config({ AUTH_JWKS_FILE: join(dir, 'missing.json') }))).rejects.toThrow('cannot be read');
  });

  it('AUTH_DISABLED: no verifier, and a warning at every start', async () => {
    const runtime = await prepareAuth(config({ AUTH_DISABLED: 'true' }));
    expect(runtime.verifier).toBeUndefined();
    expect(runtime.notices).toEqual([{ level: 'warn', message: expect.stringContaining('NO TOKEN IS CHECKED') }]);
  });
});
