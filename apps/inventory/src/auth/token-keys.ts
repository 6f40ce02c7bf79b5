import { KeyObject, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { JSONWebKeySet, JWK, SignJWT, calculateJwkThumbprint } from 'jose';
import { ACCESS_ROLES, AccessRole } from '../common/request-scope';
import { TrustedKeys } from './token-verifier';

/** A private key tokens are minted with, and the algorithm its type implies. */
export interface SigningKey {
  key: KeyObject;
  alg: 'RS256' | 'ES256';
  kid: string;
}

/** The embedded default's files under DATA_DIR (the private key 0600). */
export function embeddedAuthPaths(dataDir: string) {
  const folder = join(dataDir, 'auth');
  return { folder, signingKey: join(folder, 'signing-key.pem'), jwks: join(folder, 'jwks.json'), adminToken: join(dataDir, 'admin.token') };
}

function algorithmOf(key: KeyObject): 'RS256' | 'ES256' {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`the signing key must be RSA (RS256) or EC P-256 (ES256), not ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
}

/** The public JWK of a signing key, with its thumbprint as `kid`. */
export async function publicJwkOf(key: KeyObject): Promise<JWK> {
  const jwk = createPublicKey(key).export({ format: 'jwk' }) as JWK;
  return { ...jwk, kid: await calculateJwkThumbprint(jwk), alg: algorithmOf(key), use: 'sig' };
}

export async function readSigningKey(path: string): Promise<SigningKey> {
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(path));
  } catch (error) {
    throw new Error(`cannot read the token signing key ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, { cause: error });
  }
  const jwk = await publicJwkOf(key);
  return { key, alg: algorithmOf(key), kid: jwk.kid! };
}

function checkJwks(value: unknown, where: string): JSONWebKeySet {
  const set = value as JSONWebKeySet;
  if (!set || typeof set !== 'object' || !Array.isArray(set.keys)) throw new Error(`${where}: expected a JWKS ({"keys": [...]})`);
  for (const key of set.keys) {
    if (!key || typeof key !== 'object' || (key.kty !== 'RSA' && key.kty !== 'EC')) throw new Error(`${where}: every key must be an RSA or EC public key`);
    if ('d' in key) throw new Error(`${where}: holds a private key; give the public keys only`);
  }
  return set;
}

/**
 * Public keys from configuration: a JWKS of one issuer (`{"keys": [...]}`), or per domain
 * (`{"domains": {"<domain_id>": {"keys": [...]}}}`), or both (a domain listed uses only its own).
 */
export function parseTrustedKeys(text: string, where: string): TrustedKeys {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${where} is not valid JSON`);
  }
  if (!value || typeof value !== 'object' || (!('keys' in value) && !('domains' in value))) {
    throw new Error(`${where}: expected {"keys": [...]} and/or {"domains": {"<domain_id>": {"keys": [...]}}}`);
  }
  const trusted: TrustedKeys = {};
  if ('keys' in value) trusted.keys = checkJwks(value, where);
  if ('domains' in value) {
    const domains = value['domains'] as Record<string, unknown>;
    if (!domains || typeof domains !== 'object' || Array.isArray(domains)) throw new Error(`${where}: "domains" must map domain ids to JWKS`);
    trusted.domains = Object.fromEntries(Object.entries(domains).map(([domainId, set]) => [domainId, checkJwks(set, `${where} domains.${domainId}`)]));
  }
  return trusted;
}

/** Writes a file atomically (a reader never sees half of it) with the given mode. */
function writePrivateFile(path: string, content: string, mode: number): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content, { mode });
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

/**
 * The embedded default: an RSA signing key under DATA_DIR/auth/ (mode 0600) and the JWKS of its
 * public key beside it, made on first start and kept after.
 */
export async function ensureEmbeddedSigningKey(dataDir: string): Promise<SigningKey> {
  const paths = embeddedAuthPaths(dataDir);
  if (!existsSync(paths.signingKey)) {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    writePrivateFile(paths.signingKey, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, 0o600);
  }
  const signing = await readSigningKey(paths.signingKey);
  writePrivateFile(paths.jwks, `${JSON.stringify({ keys: [await publicJwkOf(signing.key)] }, null, 2)}\n`, 0o644);
  return signing;
}

export interface MintRequest {
  domainId: string;
  role: AccessRole | 'SYSTEM';
  workspaceId?: string;
  projects?: string[];
  /** The token's subject (`aud`, as Cloudforet's user id); default "cloud-inventory". */
  user?: string;
  ttlSeconds: number;
}

/** A token with Cloudforet's claims, signed with the key (its `kid` in the header). */
export async function mintToken(signing: SigningKey, request: MintRequest): Promise<string> {
  const system = request.role === 'SYSTEM';
  if (!system && !ACCESS_ROLES.includes(request.role as AccessRole)) throw new Error(`unknown role ${request.role}`);
  if ((request.role === 'WORKSPACE_OWNER' || request.role === 'WORKSPACE_MEMBER') && !request.workspaceId) {
    throw new Error(`a ${request.role} token needs a workspace`);
  }
  const claims: Record<string, unknown> = {
    did: request.domainId,
    rol: system ? 'SYSTEM_TOKEN' : request.role,
    typ: system ? 'SYSTEM_TOKEN' : 'ACCESS_TOKEN',
    own: system ? 'SYSTEM' : 'USER',
    ver: '2.0',
  };
  if (request.workspaceId && request.role !== 'DOMAIN_ADMIN') claims['wid'] = request.workspaceId;
  if (request.role === 'WORKSPACE_MEMBER') claims['projects'] = request.projects ?? [];
  return new SignJWT(claims)
    .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
    .setAudience(request.user ?? 'cloud-inventory')
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + request.ttlSeconds)
    .setJti(randomUUID())
    .sign(signing.key);
}

/** "90s", "30m", "12h", "7d" or seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!match) throw new Error(`--ttl ${value}: expected a number with s, m, h or d (e.g. 1h)`);
  const seconds = Number(match[1]) * { '': 1, s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (seconds < 1 || seconds > 10 * 365 * 86_400) throw new Error(`--ttl ${value}: between 1 second and 10 years`);
  return seconds;
}

export { writePrivateFile };
