import { createHmac, createPublicKey, generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { JWK, SignJWT, UnsecuredJWT, base64url } from 'jose';
import { publicJwkOf } from './token-keys';
import { TokenRefused, TokenVerifier } from './token-verifier';

const rsa = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const trustedKey = rsa();
const otherKey = rsa();
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;

function claims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  const base: Record<string, unknown> = {
    did: 'domain-a',
    rol: 'DOMAIN_ADMIN',
    typ: 'ACCESS_TOKEN',
    own: 'USER',
    aud: 'user-1',
    iat: now,
    exp: now + 600,
    jti: randomUUID(),
    ver: '2.0',
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

function sign(payload: Record<string, unknown>, key: KeyObject = trustedKey, alg = 'RS256'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

describe('TokenVerifier', () => {
  let verifier: TokenVerifier;
  let publicJwk: JWK;

  beforeAll(async () => {
    publicJwk = await publicJwkOf(trustedKey);
    verifier = new TokenVerifier({ keys: { keys: [publicJwk, await publicJwkOf(ecKey)] } });
  });

  const refusal = async (token: string) => {
    try {
      await verifier.verify(token);
      return 'accepted';
    } catch (error) {
      expect(error).toBeInstanceOf(TokenRefused);
      return (error as Error).message;
    }
  };

  it("accepts Cloudforet's access tokens (RS256 and ES256) and says who the caller is", async () => {
    expect(await verifier.verify(await sign(claims()))).toEqual({ kind: 'access', domainId: 'domain-a', role: 'DOMAIN_ADMIN', permissions: undefined, userId: 'user-1' });
    expect(await verifier.verify(await sign(claims({ rol: 'WORKSPACE_OWNER', wid: 'ws-1' }), ecKey, 'ES256')))
      .toEqual({ kind: 'access', domainId: 'domain-a', role: 'WORKSPACE_OWNER', workspaceId: 'ws-1', permissions: undefined, userId: 'user-1' });
    expect(await verifier.verify(await sign(claims({ rol: 'WORKSPACE_MEMBER', wid: 'ws-1', projects: ['p-1'], permissions: ['inventory:'] }))))
      .toEqual({ kind: 'access', domainId: 'domain-a', role: 'WORKSPACE_MEMBER', workspaceId: 'ws-1', projects: ['p-1'], permissions: ['inventory:'], userId: 'user-1' });
    // "*" among a member's projects: every project
    expect(await verifier.verify(await sign(claims({ rol: 'WORKSPACE_MEMBER', wid: 'ws-1', projects: ['*'] })))).toMatchObject({ projects: undefined });
    // a member without projects sees none
    expect(await verifier.verify(await sign(claims({ rol: 'WORKSPACE_MEMBER', wid: 'ws-1' })))).toMatchObject({ projects: [] });
    // a system token names no domain of its own (its caller does, in x_domain_id), and needs no ver
    expect(await verifier.verify(await sign(claims({ typ: 'SYSTEM_TOKEN', rol: 'SYSTEM_TOKEN', own: 'SYSTEM', ver: undefined })))).toEqual({ kind: 'system', permissions: undefined });
  });

  it('refuses expired, not yet valid, foreign-signed, unsigned, HMAC, malformed and incomplete tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    const hmacWithPublicKey = async () => {
      // the classic confusion: HS256 keyed with the trusted public key's PEM
      const pem = createPublicKey(trustedKey).export({ type: 'spki', format: 'pem' }) as string;
      const head = base64url.encode(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
      const body = base64url.encode(JSON.stringify(claims()));
      const mac = createHmac('sha256', pem).update(`${head}.${body}`).digest();
      return `${head}.${body}.${base64url.encode(mac)}`;
    };
    const cases: Record<string, string> = {
      expired: await sign(claims({ exp: now - 60 })),
      'not yet valid': await sign(claims({ nbf: now + 600 })),
      'no exp': await sign(claims({ exp: undefined })),
      'wrong key': await sign(claims(), otherKey),
      'alg none': new UnsecuredJWT(claims()).encode(),
      'HS256 with the public key as secret': await hmacWithPublicKey(),
      'missing did': await sign(claims({ did: undefined })),
      'did not an id': await sign(claims({ did: "x'; DROP TABLE job;--" })),
      'wrong ver': await sign(claims({ ver: '1.0' })),
      'no ver': await sign(claims({ ver: undefined })),
      'refresh token': await sign(claims({ typ: 'REFRESH_TOKEN' })),
      'unknown role': await sign(claims({ rol: 'USER' })),
      'owner without wid': await sign(claims({ rol: 'WORKSPACE_OWNER' })),
      'projects not a list': await sign(claims({ rol: 'WORKSPACE_MEMBER', wid: 'ws-1', projects: 'p-1' })),
      'tampered payload': await (async () => {
        const [head, , signature] = (await sign(claims())).split('.');
        return `${head}.${base64url.encode(JSON.stringify(claims({ did: 'domain-b' })))}.${signature}`;
      })(),
      garbage: 'not-a-token',
      'three dots of garbage': 'a.b.c',
      empty: '',
    };
    const outcomes = Object.fromEntries(await Promise.all(Object.entries(cases).map(async ([name, token]) => [name, await refusal(token)])));
    for (const [name, outcome] of Object.entries(outcomes)) expect([name, outcome]).not.toEqual([name, 'accepted']);
    // the reasons (for the server log) name what was wrong
    expect(outcomes['expired']).toContain('exp');
    expect(outcomes['not yet valid']).toContain('nbf');
    expect(outcomes['wrong ver']).toContain('ver');
    expect(outcomes['alg none']).toMatch(/alg|ALG/);
  });

  it('picks the keys by the token\'s domain when keys are given per domain: another domain\'s key cannot sign for it', async () => {
    const keyOfA = rsa();
    const keyOfB = rsa();
    const perDomain = new TokenVerifier({ domains: { 'domain-a': { keys: [await publicJwkOf(keyOfA)] }, 'domain-b': { keys: [await publicJwkOf(keyOfB)] } } });
    expect(await perDomain.verify(await sign(claims({ did: 'domain-a' }), keyOfA))).toMatchObject({ domainId: 'domain-a' });
    expect(await perDomain.verify(await sign(claims({ did: 'domain-b' }), keyOfB))).toMatchObject({ domainId: 'domain-b' });
    await expect(perDomain.verify(await sign(claims({ did: 'domain-a' }), keyOfB))).rejects.toBeInstanceOf(TokenRefused);
    await expect(perDomain.verify(await sign(claims({ did: 'domain-c' }), keyOfA))).rejects.toThrow('no key is trusted');
    expect(new TokenVerifier({}).keySets).toBe(0);
    await expect(new TokenVerifier({}).verify(await sign(claims()))).rejects.toBeInstanceOf(TokenRefused);
  });
});
