import type { AccessRole } from '../common/request-scope';

/**
 * Who may call what: one entry per RPC of every service the inventory serves, enforced by one guard
 * for gRPC and HTTP alike (auth.guard.ts) and rendered into the README (role-table.spec.ts checks
 * that README and this table agree and that every served RPC has an entry).
 *
 * Following Cloudforet's inventory: `permission` is its method permission (a token's `permissions`
 * claim, when present, must be a prefix of it) and `roles` its `role_types`. A system token
 * (`typ: SYSTEM_TOKEN`) may call every RPC, acting for the domain (and workspace) its
 * `x_domain_id` (`x_workspace_id`) metadata names; `system: true` marks the RPCs that only a
 * system token may call (they span domains). An RPC without an entry is refused.
 */
export interface RpcRule {
  permission: string;
  roles: readonly AccessRole[];
  /** System scope: only a system token, no domain needed (the plugin registry is shared by every domain). */
  system?: true;
  /** Where we decided rather than copied Cloudforet: shown in the README's table. */
  note?: string;
}

const ALL: readonly AccessRole[] = ['DOMAIN_ADMIN', 'WORKSPACE_OWNER', 'WORKSPACE_MEMBER'];
const ADMIN_OWNER: readonly AccessRole[] = ['DOMAIN_ADMIN', 'WORKSPACE_OWNER'];
const SYSTEM_ONLY: readonly AccessRole[] = [];

function rules(service: string, permissionOf: (method: string) => string, entries: Record<string, Omit<RpcRule, 'permission'>>): Record<string, RpcRule> {
  return Object.fromEntries(Object.entries(entries).map(([method, rule]) => [`${service}.${method}`, { permission: permissionOf(method), ...rule }]));
}

const readOrWrite = (resource: string, reads: string[]) => (method: string) => `${resource}.${reads.includes(method) ? 'read' : 'write'}`;
const INVENTORY_READS = ['get', 'list', 'stat', 'analyze', 'export'];

export const RPC_ROLES: Readonly<Record<string, RpcRule>> = {
  ...rules('Collector', readOrWrite('inventory:Collector', INVENTORY_READS), {
    create: { roles: ADMIN_OWNER },
    update: { roles: ADMIN_OWNER },
    update_plugin: { roles: ADMIN_OWNER },
    verify_plugin: { roles: ADMIN_OWNER },
    delete: { roles: ADMIN_OWNER },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
    collect: { roles: ALL, note: "a member's collect uses only its projects' secrets" },
  }),
  ...rules('Job', readOrWrite('inventory:Job', INVENTORY_READS), {
    delete: { roles: ADMIN_OWNER },
    cancel: { roles: ADMIN_OWNER, note: 'ours (Cloudforet has none); as delete. A member\'s collect still supersedes its running job' },
    get: { roles: ALL },
    list: { roles: ALL },
    analyze: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('JobTask', readOrWrite('inventory:JobTask', INVENTORY_READS), {
    delete: { roles: ADMIN_OWNER },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('CloudService', readOrWrite('inventory:CloudService', INVENTORY_READS), {
    create: { roles: ALL, note: 'Cloudforet: owner and member; a domain admin too, as it has no workspace token to switch to here' },
    update: { roles: ALL, note: 'as create' },
    delete: { roles: ALL, note: 'as create' },
    get: { roles: ALL },
    list: { roles: ALL },
    export: { roles: ALL },
    analyze: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('CloudServiceType', readOrWrite('inventory:CloudServiceType', INVENTORY_READS), {
    create: { roles: ADMIN_OWNER, note: 'Cloudforet: owner only; a domain admin too (as CloudService)' },
    update: { roles: ADMIN_OWNER, note: 'as create' },
    delete: { roles: ADMIN_OWNER, note: 'as create' },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('Region', readOrWrite('inventory:Region', INVENTORY_READS), {
    create: { roles: ADMIN_OWNER, note: 'Cloudforet: owner only; a domain admin too (as CloudService)' },
    update: { roles: ADMIN_OWNER, note: 'as create' },
    delete: { roles: ADMIN_OWNER, note: 'as create' },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('ChangeHistory', () => 'inventory:ChangeHistory.read', {
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('Namespace', readOrWrite('inventory:Namespace', INVENTORY_READS), {
    create: { roles: ADMIN_OWNER },
    update: { roles: ADMIN_OWNER, note: 'not a managed (collected) one' },
    delete: { roles: ADMIN_OWNER, note: 'as update' },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('Metric', readOrWrite('inventory:Metric', INVENTORY_READS), {
    create: { roles: ADMIN_OWNER },
    update: { roles: ADMIN_OWNER, note: 'not a managed (collected) one' },
    delete: { roles: ADMIN_OWNER, note: 'as update' },
    run: { roles: ADMIN_OWNER },
    test: { roles: ADMIN_OWNER },
    get: { roles: ALL },
    list: { roles: ALL },
    stat: { roles: ALL },
  }),
  ...rules('MetricData', () => 'inventory:MetricData.read', {
    list: { roles: ALL, note: "a member sees its projects' values only" },
    stat: { roles: ALL, note: 'as list' },
    analyze: { roles: ALL, note: 'as list' },
  }),
  ...rules('Secret', readOrWrite('secret:Secret', ['get', 'list', 'stat']), {
    create: { roles: ADMIN_OWNER, note: "Cloudforet's Collector pattern: credentials are written by admins and owners" },
    update: { roles: ADMIN_OWNER, note: 'as create' },
    delete: { roles: ADMIN_OWNER, note: 'as create' },
    enable: { roles: ADMIN_OWNER, note: 'as create' },
    disable: { roles: ADMIN_OWNER, note: 'as create' },
    update_data: { roles: ADMIN_OWNER, note: 'as create' },
    get: { roles: ALL, note: "a member sees its projects' secrets only (never their data)" },
    list: { roles: ALL, note: 'as get' },
    stat: { roles: ALL, note: 'as get' },
  }),
  ...rules('Plugin', (method) => `inventory:Plugin.${method === 'get' || method === 'list' ? 'read' : 'write'}`, {
    register: { roles: SYSTEM_ONLY, system: true, note: 'ours: the registry is shared by every domain' },
    deregister: { roles: SYSTEM_ONLY, system: true, note: 'as register' },
    get: { roles: SYSTEM_ONLY, system: true, note: 'as register (endpoints are internal addresses)' },
    list: { roles: SYSTEM_ONLY, system: true, note: 'as get' },
  }),
};

/** gRPC services that answer without a token (probes); reflection is served outside Nest and is open too. */
export const PUBLIC_GRPC_SERVICES: ReadonlySet<string> = new Set(['Health']);

/** The README's rendering of the table (between the role-table markers). */
export function renderRoleTable(): string {
  const mark = (rule: RpcRule, role: AccessRole) => (rule.roles.includes(role) ? '✓' : '');
  const lines = [
    '| rpc | DOMAIN_ADMIN | WORKSPACE_OWNER | WORKSPACE_MEMBER | system token | permission | note |',
    '| --- | :-: | :-: | :-: | :-: | --- | --- |',
  ];
  for (const [rpc, rule] of Object.entries(RPC_ROLES)) {
    lines.push(
      `| \`${rpc}\` | ${mark(rule, 'DOMAIN_ADMIN')} | ${mark(rule, 'WORKSPACE_OWNER')} | ${mark(rule, 'WORKSPACE_MEMBER')} | ✓ | \`${rule.permission}\` | ${rule.note ?? ''} |`,
    );
  }
  return lines.join('\n');
}
