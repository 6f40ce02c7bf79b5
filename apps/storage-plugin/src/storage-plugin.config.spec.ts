import { loadStoragePluginConfig } from './storage-plugin.config';

describe('the storage plugin\'s metrics configuration (METRICS_HOST, METRICS_PORT)', () => {
  it('serves on this machine only, on its own default port (not the collector plugin\'s), unless told otherwise', () => {
    expect(loadStoragePluginConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9462, explicit: false });
    expect(loadStoragePluginConfig({ METRICS_PORT: '9600' }).metrics).toEqual({ host: '127.0.0.1', port: 9600, explicit: true });
    expect(loadStoragePluginConfig({ METRICS_PORT: 'off' }).metrics).toBeUndefined();
    expect(() => loadStoragePluginConfig({ METRICS_PORT: '-1' })).toThrow(/METRICS_PORT/);
  });
});

describe('storage plugin configuration', () => {
  it('listens on loopback by default, elsewhere only when told (compose and Kubernetes set STORAGE_PLUGIN_LISTEN)', () => {
    expect(loadStoragePluginConfig({}).listen).toBe('127.0.0.1:50062');
    expect(loadStoragePluginConfig({ STORAGE_PLUGIN_LISTEN: '0.0.0.0:50062' }).listen).toBe('0.0.0.0:50062');
  });
});
