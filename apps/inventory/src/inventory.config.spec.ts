import { hasRole, loadInventoryConfig, parsePluginSeeds } from './inventory.config';

describe('inventory configuration', () => {
  it('has working defaults for the embedded stack', () => {
    const config = loadInventoryConfig({});
    expect(config).toMatchObject({ grpcListen: '0.0.0.0:50051', httpPort: 8080, databaseUrl: undefined, dataDir: '.data', plugins: [] });
  });

  it('names every wrong variable', () => {
    expect(() => loadInventoryConfig({ INVENTORY_HTTP_PORT: 'eighty', WORKER_CONCURRENCY: '0', INVENTORY_GRPC_LISTEN: 'nowhere' })).toThrow(
      /INVENTORY_GRPC_LISTEN[\s\S]*INVENTORY_HTTP_PORT[\s\S]*WORKER_CONCURRENCY/,
    );
  });

  it('reads plugins as id=kind@host:port and rejects anything else', () => {
    expect(parsePluginSeeds('synthetic=collector@127.0.0.1:50061, files=storage@storage:50062')).toEqual([
      { plugin_id: 'synthetic', service_type: 'COLLECTOR', endpoint: '127.0.0.1:50061' },
      { plugin_id: 'files', service_type: 'STORAGE', endpoint: 'storage:50062' },
    ]);
    expect(() => parsePluginSeeds('synthetic@127.0.0.1:50061')).toThrow('INVENTORY_PLUGINS');
  });

  it('reads INVENTORY_ROLES (default: all three), refuses an unknown role, and refuses WORKER_ENABLED and SCHEDULER_ENABLED (replaced by it)', () => {
    const roles = (env: NodeJS.ProcessEnv) => [...loadInventoryConfig(env).roles].sort();
    expect(roles({})).toEqual(['api', 'scheduler', 'worker']);
    expect(roles({ INVENTORY_ROLES: 'worker' })).toEqual(['worker']);
    expect(roles({ INVENTORY_ROLES: ' api , scheduler ' })).toEqual(['api', 'scheduler']);
    expect(() => loadInventoryConfig({ WORKER_ENABLED: 'false' })).toThrow(/WORKER_ENABLED: replaced by INVENTORY_ROLES \(WORKER_ENABLED=false is INVENTORY_ROLES=api,scheduler\)/);
    expect(() => loadInventoryConfig({ SCHEDULER_ENABLED: 'false', INVENTORY_ROLES: 'api' })).toThrow(/SCHEDULER_ENABLED: replaced by INVENTORY_ROLES/);
    expect(() => loadInventoryConfig({ INVENTORY_ROLES: 'api,workers' })).toThrow(/INVENTORY_ROLES: expected a comma list of api, worker, scheduler; unknown: workers/);
    expect(() => loadInventoryConfig({ INVENTORY_ROLES: ' , ' })).toThrow(/INVENTORY_ROLES/);
    const config = loadInventoryConfig({ INVENTORY_ROLES: 'worker' });
    expect([hasRole(config, 'api'), hasRole(config, 'worker'), hasRole(config, 'scheduler')]).toEqual([false, true, false]);
    // schedules and retention run where the scheduler role is, and only there
    expect(config.scheduler.enabled).toBe(false);
    expect(loadInventoryConfig({ INVENTORY_ROLES: 'scheduler' }).scheduler.enabled).toBe(true);
    expect(loadInventoryConfig({}).scheduler.enabled).toBe(true);
  });

  it('reads the orchestration settings with their defaults', () => {
    expect(loadInventoryConfig({})).toMatchObject({
      shutdownGraceMs: 10_000,
      collectIdleTimeoutMs: 300_000,
      jobTimeoutSeconds: 7200,
      whenRunning: 'supersede',
      worker: { domainMaxRunningTasks: 0 },
    });
    expect(loadInventoryConfig({ COLLECT_WHEN_RUNNING: 'refuse', SHUTDOWN_GRACE_SECONDS: '3', DOMAIN_MAX_RUNNING_TASKS: '20' })).toMatchObject({
      whenRunning: 'refuse',
      shutdownGraceMs: 3000,
      worker: { domainMaxRunningTasks: 20 },
    });
    expect(() => loadInventoryConfig({ COLLECT_WHEN_RUNNING: 'queue', JOB_TIMEOUT_SECONDS: '0' })).toThrow(/JOB_TIMEOUT_SECONDS[\s\S]*COLLECT_WHEN_RUNNING/);
  });
});
