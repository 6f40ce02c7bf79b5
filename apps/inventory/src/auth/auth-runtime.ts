import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InventoryConfig } from '../inventory.config';
import { embeddedAuthPaths, ensureEmbeddedSigningKey, mintToken, parseTrustedKeys, publicJwkOf, readSigningKey, writePrivateFile } from './token-keys';
import { TokenVerifier, TrustedKeys } from './token-verifier';

export const AUTH_RUNTIME = Symbol('AUTH_RUNTIME');

/** The embedded default's admin token lives this long; a fresh one is written at every start. */
const ADMIN_TOKEN_TTL_SECONDS = 30 * 86_400;

/** How this process authenticates callers, decided once at start. */
export interface AuthRuntime {
  /** undefined with AUTH_DISABLED. */
  verifier?: TokenVerifier;
  /** What bootstrap logs once the logger is up: where keys come from, or loud warnings. */
  notices: { level: 'log' | 'warn' | 'error'; message: string }[];
}

function mergeKeys(a: TrustedKeys, b: TrustedKeys): TrustedKeys {
  return {
    keys: a.keys || b.keys ? { keys: [...(a.keys?.keys ?? []), ...(b.keys?.keys ?? [])] } : undefined,
    domains: { ...a.domains, ...b.domains },
  };
}

/**
 * The keys tokens are verified with, in order: AUTH_JWKS_FILE and/or AUTH_JWKS; else the public
 * key of AUTH_SIGNING_KEY_FILE; else, in the embedded default (no DATABASE_URL), a key generated
 * under DATA_DIR/auth/ with a DOMAIN_ADMIN token written to DATA_DIR/admin.token. Otherwise no key
 * is trusted and every call is refused (a worker-only process needs none).
 */
export async function prepareAuth(config: InventoryConfig): Promise<AuthRuntime> {
  const { auth } = config;
  if (auth.disabled) {
    return {
      notices: [
        {
          level: 'warn',
          message:
            'AUTH_DISABLED=true: NO TOKEN IS CHECKED. Every caller acts with full rights in DEFAULT_DOMAIN_ID ' +
            `(${config.defaultDomainId}) or the domain its x-domain-id names. For local development only.`,
        },
      ],
    };
  }
  let trusted: TrustedKeys = {};
  const sources: string[] = [];
  if (auth.jwksFile) {
    let text: string;
    try {
      text = readFileSync(auth.jwksFile, 'utf8');
    } catch (error) {
      throw new Error(`AUTH_JWKS_FILE ${auth.jwksFile} cannot be read (${(error as NodeJS.ErrnoException).code})`, { cause: error });
    }
    trusted = mergeKeys(trusted, parseTrustedKeys(text, `AUTH_JWKS_FILE ${auth.jwksFile}`));
    sources.push(`AUTH_JWKS_FILE ${auth.jwksFile}`);
  }
  if (auth.jwks) {
    trusted = mergeKeys(trusted, parseTrustedKeys(auth.jwks, 'AUTH_JWKS'));
    sources.push('AUTH_JWKS');
  }
  const notices: AuthRuntime['notices'] = [];
  if (sources.length === 0 && auth.signingKeyFile) {
    const signing = await readSigningKey(auth.signingKeyFile);
    trusted = { keys: { keys: [await publicJwkOf(signing.key)] } };
    sources.push(`the public key of AUTH_SIGNING_KEY_FILE ${auth.signingKeyFile}`);
  } else if (sources.length === 0 && !config.databaseUrl) {
    const signing = await ensureEmbeddedSigningKey(config.dataDir);
    const paths = embeddedAuthPaths(resolve(config.dataDir));
    trusted = { keys: { keys: [await publicJwkOf(signing.key)] } };
    sources.push(`the embedded default's key ${paths.signingKey}`);
    const token = await mintToken(signing, { domainId: config.defaultDomainId, role: 'DOMAIN_ADMIN', user: 'admin', ttlSeconds: ADMIN_TOKEN_TTL_SECONDS });
    writePrivateFile(paths.adminToken, `${token}\n`, 0o600);
    notices.push({
      level: 'log',
      message: `admin token (DOMAIN_ADMIN of ${config.defaultDomainId}, valid 30 days, renewed at every start) written to ${paths.adminToken}`,
    });
  }
  const verifier = new TokenVerifier(trusted);
  if (verifier.keySets === 0) {
    notices.unshift({
      level: 'error',
      message: 'no token keys are configured (AUTH_JWKS_FILE, AUTH_JWKS or AUTH_SIGNING_KEY_FILE): every API call is refused with UNAUTHENTICATED',
    });
  } else {
    notices.unshift({ level: 'log', message: `tokens are verified (RS256/ES256) with ${sources.join(' and ')}` });
  }
  return { verifier, notices };
}
