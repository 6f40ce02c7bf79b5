import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../exit-codes';
import { configPath, maskToken, parseEndpoint, readConfig, resolveConnection, writeConfig } from './cli-config';

describe('the CLI config', () => {
  it('lives under XDG_CONFIG_HOME or ~/.config, or where CLOUD_INVENTORY_CONFIG says', () => {
    expect(configPath({ HOME: '/home/ops' })).toBe('/home/ops/.config/cloud-inventory/config.json');
    expect(configPath({ HOME: '/home/ops', XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/cloud-inventory/config.json');
    expect(configPath({ HOME: '/home/ops', CLOUD_INVENTORY_CONFIG: '/etc/ci.json' })).toBe('/etc/ci.json');
  });

  it('is written readable by its owner only, in a folder only the owner can enter, and read back', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'cli-config-')), 'nested', 'config.json');
    writeConfig(path, { endpoint: 'inventory:50051', token: 'secret-token-value' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);
    // rewriting keeps 0600 even when the file had been opened up
    chmodSync(path, 0o644);
    writeConfig(path, { endpoint: 'other:1' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readConfig(path)).toEqual({ endpoint: 'other:1' });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ endpoint: 'other:1' });
  });

  it('refuses a broken file with a usage error naming it, and reads a missing one as empty', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cli-config-'));
    expect(readConfig(join(dir, 'none.json'))).toEqual({});
    writeFileSync(join(dir, 'broken.json'), '{endpoint');
    expect(() => readConfig(join(dir, 'broken.json'))).toThrow(CliError);
    expect(() => readConfig(join(dir, 'broken.json'))).toThrow(join(dir, 'broken.json'));
  });

  it('weighs flags over environment over the file over defaults', () => {
    const stored = { endpoint: 'file:1', token: 'file-token', domain: 'file-domain' };
    const env = { CLOUD_INVENTORY_ENDPOINT: 'env:2', CLOUD_INVENTORY_TOKEN: 'env-token' };
    const fromFlags = resolveConnection({ endpoint: 'flag:3', token: 'flag-token' }, env, stored);
    expect(fromFlags).toMatchObject({ address: 'flag:3', token: 'flag-token', domain: 'file-domain', sources: { endpoint: 'flag', token: 'flag', domain: 'config' } });
    const fromEnv = resolveConnection({}, env, stored);
    expect(fromEnv).toMatchObject({ address: 'env:2', token: 'env-token', sources: { endpoint: 'env', token: 'env' } });
    const fromFile = resolveConnection({}, {}, stored);
    expect(fromFile).toMatchObject({ address: 'file:1', token: 'file-token', sources: { endpoint: 'config' } });
    const defaults = resolveConnection({}, {}, {});
    expect(defaults).toMatchObject({ address: 'localhost:50051', token: undefined, domain: undefined, timeoutMs: 30_000, sources: { endpoint: 'default' } });
    expect(resolveConnection({ timeout: '2.5' }, {}, {}).timeoutMs).toBe(2500);
    expect(() => resolveConnection({ timeout: '0' }, {}, {})).toThrow(CliError);
  });

  it('reads host:port, grpc:// and grpc+ssl:// endpoints', () => {
    expect(parseEndpoint('localhost:50051')).toEqual({ address: 'localhost:50051', tls: false });
    expect(parseEndpoint('inventory')).toEqual({ address: 'inventory:50051', tls: false });
    expect(parseEndpoint('grpc://10.0.0.1:7000')).toEqual({ address: '10.0.0.1:7000', tls: false });
    expect(parseEndpoint('grpc+ssl://inventory.example:443')).toEqual({ address: 'inventory.example:443', tls: true });
    expect(parseEndpoint('[::1]:50051')).toEqual({ address: '[::1]:50051', tls: false });
    for (const bad of ['http://x:1', 'x:', 'x:99999', 'a b:1', '']) expect(() => parseEndpoint(bad)).toThrow(CliError);
  });

  it('never shows a token whole', () => {
    const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJvcHMifQ.c2lnbmF0dXJl';
    expect(maskToken(token)).not.toContain(token.slice(6, -4));
    expect(maskToken('short')).toBe('****');
    expect(maskToken(undefined)).toBe('');
  });
});
