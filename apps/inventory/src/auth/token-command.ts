import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { ACCESS_ROLES, AccessRole } from '../common/request-scope';
import { loadInventoryConfig } from '../inventory.config';
import { embeddedAuthPaths, mintToken, parseTtl, readSigningKey } from './token-keys';

/**
 * `main.js token …` (`npm run token -- …`): mints a token with the key the inventory trusts,
 * AUTH_SIGNING_KEY_FILE or the embedded default's DATA_DIR/auth/signing-key.pem, and prints it
 * (only it) on stdout.
 */
export async function runTokenCommand(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const program = new Command('token')
    .description("Mint an access token (or a system token) signed with the inventory's key; printed on stdout.")
    .option('--domain <domain_id>', 'the domain (did) [default: DEFAULT_DOMAIN_ID]')
    .option('--workspace <workspace_id>', 'the workspace (wid); required for WORKSPACE_OWNER and WORKSPACE_MEMBER')
    .addOption(new Option('--role <role>', 'the role (rol)').choices([...ACCESS_ROLES]).default('DOMAIN_ADMIN'))
    .option('--projects <ids>', 'WORKSPACE_MEMBER: the projects it may see, comma separated ("*": all)')
    .option('--system', 'a SYSTEM_TOKEN: any RPC, for the domain a call names in x_domain_id metadata')
    .option('--user <name>', 'who the token is for (aud)', 'cloud-inventory')
    .option('--ttl <duration>', 'lifetime: 90s, 30m, 12h, 7d', '1h')
    .exitOverride()
    .configureOutput({ writeOut: (text) => process.stderr.write(text), writeErr: (text) => process.stderr.write(text) });
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && error.exitCode === 0) return;
    throw error;
  }
  const options = program.opts<{ domain?: string; workspace?: string; role: AccessRole; projects?: string; system?: boolean; user: string; ttl: string }>();
  const config = loadInventoryConfig();
  const keyFile = config.auth.signingKeyFile ?? embeddedAuthPaths(resolve(config.dataDir)).signingKey;
  if (!existsSync(keyFile)) {
    throw new Error(
      config.auth.signingKeyFile
        ? `AUTH_SIGNING_KEY_FILE ${keyFile} does not exist`
        : `${keyFile} does not exist: start the inventory once (npm start) to create the embedded default's key, or set AUTH_SIGNING_KEY_FILE`,
    );
  }
  const token = await mintToken(await readSigningKey(keyFile), {
    domainId: options.domain ?? config.defaultDomainId,
    role: options.system ? 'SYSTEM' : options.role,
    workspaceId: options.workspace,
    projects: options.projects?.split(',').map((project) => project.trim()).filter(Boolean),
    user: options.user,
    ttlSeconds: parseTtl(options.ttl),
  });
  out.write(`${token}\n`);
}
