import { loadCollectorPluginConfig } from './collector-plugin.config';

describe('the collector plugin\'s metrics configuration (METRICS_HOST, METRICS_PORT)', () => {
  it('serves on this machine only, on its own default port, unless told otherwise', () => {
    expect(loadCollectorPluginConfig({}).metrics).toEqual({ host: '127.0.0.1', port: 9461, explicit: false });
    expect(loadCollectorPluginConfig({ METRICS_HOST: '0.0.0.0', METRICS_PORT: '9500' }).metrics).toEqual({ host: '0.0.0.0', port: 9500, explicit: true });
    expect(loadCollectorPluginConfig({ METRICS_PORT: '0' }).metrics).toEqual({ host: '127.0.0.1', port: 0, explicit: true });
    expect(loadCollectorPluginConfig({ METRICS_PORT: 'off' }).metrics).toBeUndefined();
  });

  it('refuses a port that is not one, naming the variable', () => {
    expect(() => loadCollectorPluginConfig({ METRICS_PORT: 'nine' })).toThrow(/METRICS_PORT/);
    expect(() => loadCollectorPluginConfig({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});

describe('collector plugin configuration', () => {
  it('listens on loopback by default, elsewhere only when told (compose and Kubernetes set COLLECTOR_PLUGIN_LISTEN)', () => {
    expect(loadCollectorPluginConfig({}).listen).toBe('127.0.0.1:50061');
    expect(loadCollectorPluginConfig({ COLLECTOR_PLUGIN_LISTEN: '0.0.0.0:50061' }).listen).toBe('0.0.0.0:50061');
  });
});
