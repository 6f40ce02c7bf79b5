import { Type } from '@nestjs/common';
import { CollectorProvider } from './collector-provider';
import { SyntheticCollectorProvider } from './synthetic/synthetic.collector-provider';

/** Every source the plugin serves. Adding a source: a folder under providers/ and one line here. */
export const COLLECTOR_PROVIDER_CLASSES: Type<CollectorProvider>[] = [SyntheticCollectorProvider];
