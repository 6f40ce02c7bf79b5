import { Controller } from '@nestjs/common';
import type { Metadata } from '@grpc/grpc-js';
import { Observable } from 'rxjs';
import { WritableCall, correlationIdOf, streamWithBackpressure } from '@cloud-inventory/grpc';
import { inventoryPlugin } from '@cloud-inventory/proto';
import { CollectorService } from './collector.service';

/** A call that never asks to wait; only used if Nest hands no call (it always does). */
const NEVER_FULL: WritableCall = { once: () => undefined, removeListener: () => undefined };

/** spaceone.api.inventory.plugin.Collector: init, verify and the collect server stream. */
@Controller()
@inventoryPlugin.CollectorControllerMethods()
export class CollectorGrpcController implements inventoryPlugin.CollectorController {
  constructor(private readonly collector: CollectorService) {}

  async init(request: inventoryPlugin.InitRequest): Promise<inventoryPlugin.PluginInfo> {
    return { metadata: await this.collector.init(request.options) };
  }

  async verify(request: inventoryPlugin.VerifyRequest): Promise<void> {
    await this.collector.verify(request.options, request.secret_data);
  }

  collect(request: inventoryPlugin.CollectRequest, metadata?: Metadata, call?: WritableCall): Observable<inventoryPlugin.ResourceInfo> {
    const stream = this.collector.collect(request, correlationIdOf(metadata));
    return streamWithBackpressure(stream, call ?? NEVER_FULL);
  }
}
