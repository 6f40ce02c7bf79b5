import { loadStoragePluginConfig } from './storage-plugin.config';

describe('the storage plugin\'s metrics configuration (METRICS_HOST, METRICS_PORT)', () => {
  it('serves on this machine only, on its own default port (not the collector plugin\'s), unless told otherwise', () => {
    expect(loadStoragePluginConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9462, explicit: false });
    expect(loadStoragePluginConfig({ METRICS_PORT: '9600' }).metrics).toEqual({ host: '127.0.0.1', port: 9600, explicit: true });
    expect(loadStoragePluginConfig({ METRICS_PORT: 'off' }).metrics).toBeUndefined();
    expect(() => loadStoragePluginConfig({ METRICS_PORT: '-1' })).toThrow(/METRICS_PORT/);
  });
});
