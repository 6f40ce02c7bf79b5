import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { PATTERN_METADATA } from '@nestjs/microservices/constants';
import * as protobuf from 'protobufjs';
import { inventoryProtoJson } from '../common/proto-http';
import { PUBLIC_GRPC_SERVICES, RPC_ROLES, renderRoleTable } from './role-table';

const SRC = join(__dirname, '..');
const README = join(SRC, '../../../README.md');
const START = '<!-- role-table:start (rendered from apps/inventory/src/auth/role-table.ts) -->';
const END = '<!-- role-table:end -->';

function files(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name), suffix) : entry.name.endsWith(suffix) ? [join(dir, entry.name)] : [],
  );
}

/** Every RPC a gRPC controller of the app serves, as "Service.method" (proto method names). */
async function servedRpcs(): Promise<string[]> {
  const served: string[] = [];
  for (const file of files(SRC, '.grpc-controller.ts')) {
    for (const exported of Object.values((await import(file)) as Record<string, unknown>)) {
      if (typeof exported !== 'function') continue;
      const prototype = (exported as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const patterns = Reflect.getMetadata(PATTERN_METADATA, prototype[name] as object) as { service: string; rpc: string }[] | undefined;
        for (const pattern of patterns ?? []) served.push(`${pattern.service}.${pattern.rpc.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
      }
    }
  }
  return served;
}

function protoRpcs(): Set<string> {
  const root = inventoryProtoJson().type('spaceone.api.core.v2.Query').root;
  const found = new Set<string>();
  const walk = (namespace: protobuf.NamespaceBase) => {
    for (const nested of namespace.nestedArray) {
      if (nested instanceof protobuf.Service) for (const method of nested.methodsArray) found.add(`${nested.name}.${method.name}`);
      else if (nested instanceof protobuf.Namespace) walk(nested);
    }
  };
  walk(root);
  return found;
}

describe('the role table', () => {
  it('has an entry for every RPC a gRPC controller serves (HTTP routes map to the same RPCs)', async () => {
    const served = (await servedRpcs()).filter((rpc) => !PUBLIC_GRPC_SERVICES.has(rpc.split('.')[0]));
    expect(served.length).toBeGreaterThan(30);
    expect(served.filter((rpc) => !RPC_ROLES[rpc])).toEqual([]);
    // the scan sees what it must: a new controller's RPCs are checked too
    expect(served).toEqual(expect.arrayContaining(['Collector.update_plugin', 'Secret.update_data', 'Plugin.register', 'JobTask.delete']));
  });

  it('names only RPCs of the contract, with a write permission for every RPC a member may not call', () => {
    const contract = protoRpcs();
    expect(Object.keys(RPC_ROLES).filter((rpc) => !contract.has(rpc))).toEqual([]);
    for (const [rpc, rule] of Object.entries(RPC_ROLES)) {
      if (rule.system) expect([rpc, rule.roles]).toEqual([rpc, []]);
      expect([rpc, /^(inventory|secret):[A-Za-z]+\.(read|write)$/.test(rule.permission)]).toEqual([rpc, true]);
    }
    expect(RPC_ROLES['Plugin.register']).toMatchObject({ system: true });
    expect(RPC_ROLES['Collector.create'].roles).toEqual(['DOMAIN_ADMIN', 'WORKSPACE_OWNER']);
    expect(RPC_ROLES['Collector.collect'].roles).toEqual(['DOMAIN_ADMIN', 'WORKSPACE_OWNER', 'WORKSPACE_MEMBER']);
  });

  it('is in the README as the code renders it', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect([start >= 0, end > start]).toEqual([true, true]);
    const shown = readme.slice(start + START.length, end).trim();
    // on a difference, paste renderRoleTable()'s output between the markers of README.md
    expect({ file: relative(SRC, README), table: shown }).toEqual({ file: relative(SRC, README), table: renderRoleTable() });
  });
});
