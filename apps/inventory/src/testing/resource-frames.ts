import { serviceClientConstructor } from '@cloud-inventory/grpc';
import { decodeResourceInfo, ResourceInfoMessage } from '@cloud-inventory/wire';

const collect = (serviceClientConstructor('collectorPlugin', 'spaceone.api.inventory.plugin.Collector') as unknown as {
  service: { collect: { responseSerialize(value: unknown): Buffer } };
}).service.collect;

/** A ResourceInfo as the inventory receives it: encoded as a plugin would, then decoded by the collect client's decoder. */
export function resourceInfoFrame(info: {
  state?: string;
  message?: string;
  resource_type?: string;
  match_rules?: Record<string, unknown>;
  resource?: Record<string, unknown>;
}): ResourceInfoMessage {
  return decodeResourceInfo(collect.responseSerialize({ state: 'SUCCESS', ...info }));
}
