import { JSONWebKeySet, JWTPayload, createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { ACCESS_ROLES, AccessRole } from '../common/request-scope';

/** The algorithms Cloudforet's identity signs with (RS256), and ES256. Nothing else, never `none` or HMAC. */
export const TOKEN_ALGORITHMS = ['RS256', 'ES256'];
/** Clock skew allowed between the token's issuer and us, on `exp` and `nbf`. */
const CLOCK_TOLERANCE_SECONDS = 5;
const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** The public keys tokens are verified with: of one issuer (every domain), and/or per domain (keyed by `did`). */
export interface TrustedKeys {
  keys?: JSONWebKeySet;
  domains?: Record<string, JSONWebKeySet>;
}

/** What a verified token says about its caller. */
export type VerifiedToken =
  | { kind: 'access'; domainId: string; role: AccessRole; workspaceId?: string; projects?: readonly string[]; permissions?: readonly string[]; userId?: string }
  | { kind: 'system'; permissions?: readonly string[] };

/** Why a token was refused: for the server log only; the caller gets one message for every reason. */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';
}

function stringList(value: unknown, claim: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw new TokenRefused(`"${claim}" is not a list of strings`);
  return value;
}

/**
 * Verifies Cloudforet's JWTs: RS256/ES256 signature by a trusted key (the token's domain's keys,
 * else the issuer's), `exp` required and enforced (`nbf` too when present), then its claims:
 * `typ` ACCESS_TOKEN (with `ver` "2.0", `did`, `rol`, `wid` for workspace roles, `projects` for
 * members) or SYSTEM_TOKEN (acts for the domain its caller names in metadata).
 */
export class TokenVerifier {
  private readonly issuer?: ReturnType<typeof createLocalJWKSet>;
  private readonly perDomain = new Map<string, ReturnType<typeof createLocalJWKSet>>();

  constructor(trusted: TrustedKeys) {
    if (trusted.keys?.keys.length) this.issuer = createLocalJWKSet(trusted.keys);
    for (const [domainId, set] of Object.entries(trusted.domains ?? {})) {
      if (set.keys.length) this.perDomain.set(domainId, createLocalJWKSet(set));
    }
  }

  /** How many key sets tokens can be verified with (0: every token is refused). */
  get keySets(): number {
    return (this.issuer ? 1 : 0) + this.perDomain.size;
  }

  async verify(token: string): Promise<VerifiedToken> {
    let unverified: JWTPayload;
    try {
      unverified = decodeJwt(token);
    } catch {
      throw new TokenRefused('not a JWT');
    }
    // as Cloudforet: the unverified `did` picks the domain's keys; the signature then vouches for it
    const keys = (typeof unverified['did'] === 'string' && this.perDomain.get(unverified['did'])) || this.issuer;
    if (!keys) throw new TokenRefused(`no key is trusted for domain ${JSON.stringify(String(unverified['did'])).slice(0, 80)}`);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { algorithms: TOKEN_ALGORITHMS, requiredClaims: ['exp'], clockTolerance: CLOCK_TOLERANCE_SECONDS }));
    } catch (error) {
      throw new TokenRefused(`${(error as { code?: string }).code ?? 'ERR_JOSE'}: ${(error as Error).message}`);
    }
    return claimsOf(payload);
  }
}

function claimsOf(payload: JWTPayload): VerifiedToken {
  const permissions = stringList(payload['permissions'], 'permissions');
  const typ = payload['typ'];
  if (typ === 'SYSTEM_TOKEN') return { kind: 'system', permissions };
  if (typ !== 'ACCESS_TOKEN') throw new TokenRefused(`"typ" ${JSON.stringify(typ)} is not ACCESS_TOKEN or SYSTEM_TOKEN`);
  if (payload['ver'] !== '2.0') throw new TokenRefused(`"ver" ${JSON.stringify(payload['ver'])} is not "2.0"`);
  const domainId = payload['did'];
  if (typeof domainId !== 'string' || !ID.test(domainId)) throw new TokenRefused('"did" is missing or not a domain id');
  const role = payload['rol'] as AccessRole;
  if (!ACCESS_ROLES.includes(role)) throw new TokenRefused(`"rol" ${JSON.stringify(role)} is not a role of the inventory`);
  // Cloudforet's user id (`aud`): who a change record says made an API change
  const userId = typeof payload.aud === 'string' && payload.aud !== '' ? payload.aud.slice(0, 255) : undefined;
  if (role === 'DOMAIN_ADMIN') return { kind: 'access', domainId, role, permissions, userId };
  const workspaceId = payload['wid'];
  if (typeof workspaceId !== 'string' || !ID.test(workspaceId)) throw new TokenRefused(`"wid" is missing or not a workspace id for ${role}`);
  if (role === 'WORKSPACE_OWNER') return { kind: 'access', domainId, role, workspaceId, permissions, userId };
  // a member sees its projects' resources only; "*" among them: every project of the workspace
  const projects = stringList(payload['projects'], 'projects') ?? [];
  return { kind: 'access', domainId, role, workspaceId, projects: projects.includes('*') ? undefined : projects, permissions, userId };
}
