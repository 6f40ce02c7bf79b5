import { KeyObject, generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';

export type TestRole = 'DOMAIN_ADMIN' | 'WORKSPACE_OWNER' | 'WORKSPACE_MEMBER';

/** Who a test calls as: a role in a domain (and workspace), or a system token acting for a domain. */
export interface Identity {
  domain: string;
  role: TestRole | 'SYSTEM';
  workspace?: string;
  projects?: string[];
}

export interface MintOptions {
  /** Seconds from now; negative for an expired token. Default 3600. */
  ttlSeconds?: number;
  /** Claims to add, replace or (with undefined) remove. */
  claims?: Record<string, unknown>;
  /** Protected header fields to add or replace. */
  header?: Record<string, unknown>;
  /** Sign with another key (one the inventory does not trust). */
  key?: KeyObject;
}

/** The domain the stack's default clients act in (the inventory's DEFAULT_DOMAIN_ID). */
export const DEFAULT_DOMAIN = 'domain-default';
export const ADMIN: Identity = { domain: DEFAULT_DOMAIN, role: 'DOMAIN_ADMIN' };

/**
 * Tokens for tests, signed like Cloudforet's identity signs them (RS256, its claims), with a key
 * the stack's inventory trusts (its AUTH_SIGNING_KEY_FILE), or any other key.
 */
export class TestTokens {
  readonly privateKey: KeyObject;
  readonly privateKeyPem: string;

  constructor() {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = privateKey;
    this.privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  }

  static otherKey(): KeyObject {
    return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  async mint(identity: Identity, options: MintOptions = {}): Promise<string> {
    const system = identity.role === 'SYSTEM';
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      did: identity.domain,
      rol: system ? 'SYSTEM_TOKEN' : identity.role,
      typ: system ? 'SYSTEM_TOKEN' : 'ACCESS_TOKEN',
      own: system ? 'SYSTEM' : 'USER',
      aud: 'test-user',
      iat: now,
      exp: now + (options.ttlSeconds ?? 3600),
      jti: randomUUID(),
      ver: '2.0',
    };
    if (identity.workspace) claims['wid'] = identity.workspace;
    if (identity.role === 'WORKSPACE_MEMBER') claims['projects'] = identity.projects ?? [];
    for (const [name, value] of Object.entries(options.claims ?? {})) {
      if (value === undefined) delete claims[name];
      else claims[name] = value;
    }
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', typ: 'JWT', ...options.header }).sign(options.key ?? this.privateKey);
  }
}

/** The gRPC metadata (as a plain map) and HTTP headers that carry a token for an identity. */
export function credentialsOf(token: string | undefined, identity?: Identity): { metadata: Record<string, string>; headers: Record<string, string> } {
  const metadata: Record<string, string> = {};
  const headers: Record<string, string> = {};
  if (token) {
    metadata['token'] = token;
    headers['authorization'] = `Bearer ${token}`;
  }
  if (identity?.role === 'SYSTEM') {
    metadata['x_domain_id'] = identity.domain;
    headers['x-domain-id'] = identity.domain;
    if (identity.workspace) {
      metadata['x_workspace_id'] = identity.workspace;
      headers['x-workspace-id'] = identity.workspace;
    }
  }
  return { metadata, headers };
}
