import { loadInventoryConfig, parsePluginSeeds } from './inventory.config';

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
});
