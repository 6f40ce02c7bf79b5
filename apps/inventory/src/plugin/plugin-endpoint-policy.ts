import { AppError, ErrorCode } from '@cloud-inventory/grpc';
import { InventoryConfig } from '../inventory.config';

const LOOPBACK_NAMES = new Set(['localhost', 'ip6-localhost', 'ip6-loopback', '::1']);

/** The host of `host:port` or `[v6]:port`, lower case, without brackets. */
export function endpointHost(endpoint: string): string {
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(endpoint);
  if (bracketed) return bracketed[1].toLowerCase();
  const colon = endpoint.lastIndexOf(':');
  return (colon < 0 ? endpoint : endpoint.slice(0, colon)).toLowerCase();
}

function isLoopback(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '0:0:0:0:0:0:0:1';
}

/**
 * Which hosts a plugin endpoint may name, so that a caller cannot point a plugin (and with it the
 * decrypted secrets of every collect) at a host of theirs, or use registration to probe the
 * network: PLUGIN_ALLOWED_HOSTS (`loopback`, exact hosts, `*.suffix`, or `*` for any), plus the
 * hosts of INVENTORY_PLUGINS, which the operator named.
 */
export class PluginEndpointPolicy {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];
  private loopback = false;
  private any = false;

  constructor(allowed: string[], seedEndpoints: string[]) {
    for (const entry of allowed) {
      if (entry === '*') this.any = true;
      else if (entry === 'loopback') this.loopback = true;
      else if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry.replace(/^\[|\]$/g, ''));
    }
    for (const endpoint of seedEndpoints) this.exact.add(endpointHost(endpoint));
  }

  static fromConfig(config: InventoryConfig): PluginEndpointPolicy {
    return new PluginEndpointPolicy(
      config.pluginAllowedHosts,
      config.plugins.map((seed) => seed.endpoint),
    );
  }

  allows(endpoint: string): boolean {
    const host = endpointHost(endpoint);
    return (
      this.any ||
      this.exact.has(host) ||
      (this.loopback && isLoopback(host)) ||
      this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length)
    );
  }

  /** Throws PERMISSION_DENIED for an endpoint outside the allow-list. */
  check(endpoint: string): void {
    if (!this.allows(endpoint)) {
      throw new AppError(ErrorCode.PERMISSION_DENIED, `Plugin endpoint ${endpoint} is not allowed: its host is not in PLUGIN_ALLOWED_HOSTS.`);
    }
  }
}
