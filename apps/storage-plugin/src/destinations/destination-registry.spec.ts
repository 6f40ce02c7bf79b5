import { loadStoragePluginConfig } from '../storage-plugin.config';
import { DESTINATION_FACTORIES } from './destination-factories';
import { DestinationRegistry } from './destination-registry';

describe('DestinationRegistry', () => {
  const registryFor = (env: NodeJS.ProcessEnv) => {
    const config = loadStoragePluginConfig(env);
    return new DestinationRegistry(DESTINATION_FACTORIES.map((factory) => factory.create(config)), config.defaultDestination);
  };

  it('refuses, at boot, a default destination this build does not ship, naming the variable', () => {
    expect(() => registryFor({ STORAGE_DEFAULT_DESTINATION: 'kafka' })).toThrow(
      "STORAGE_DEFAULT_DESTINATION: 'kafka' is not a known destination (file)",
    );
  });

  it('uses the file destination when options name none', () => {
    const registry = registryFor({});
    expect(registry.defaultName).toBe('file');
    expect(registry.resolve({}).name).toBe('file');
    expect(registry.resolve({ destination: 'file' }).name).toBe('file');
  });
});
