import { status } from '@grpc/grpc-js';
import { AppError, statusOf } from '@cloud-inventory/grpc';
import { CollectorProviderRegistry } from './collector-provider.registry';
import { SyntheticCollectorProvider } from './synthetic/synthetic.collector-provider';

describe('CollectorProviderRegistry', () => {
  const synthetic = new SyntheticCollectorProvider();
  const registry = new CollectorProviderRegistry([synthetic], { listen: '127.0.0.1:0', defaultSource: 'synthetic' });

  it('picks the default source and strips options.source from what the provider sees', () => {
    expect(registry.resolve(undefined)).toEqual({ provider: synthetic, options: {} });
    expect(registry.resolve({ source: 'synthetic', count: 3 })).toEqual({ provider: synthetic, options: { count: 3 } });
  });

  it('rejects an unknown source with INVALID_ARGUMENT naming it and the known ones', () => {
    let error: unknown;
    try {
      registry.resolve({ source: 'aws' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect(statusOf((error as AppError).code).grpc).toBe(status.INVALID_ARGUMENT);
    expect((error as AppError).message).toBe('Unknown collector source "aws" in options.source (known: synthetic).');
  });

  it('refuses to start with an unknown default source', () => {
    expect(() => new CollectorProviderRegistry([synthetic], { listen: '127.0.0.1:0', defaultSource: 'nope' })).toThrow(
      'COLLECTOR_DEFAULT_SOURCE names an unknown source "nope" (known: synthetic)',
    );
  });
});
