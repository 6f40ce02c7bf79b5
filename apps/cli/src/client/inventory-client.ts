import * as grpc from '@grpc/grpc-js';
import { GRPC_CLIENT_OPTIONS, ProtoJson, serviceClientConstructor, unaryCall } from '@cloud-inventory/grpc';
import { Connection } from '../config/cli-config';
import { CliError } from '../exit-codes';

export type InventoryService = 'Collector' | 'Job' | 'JobTask' | 'CloudService' | 'Secret';

/** Cloudforet's metadata keys: the JWT under `token`, the domain of a system caller under `x_domain_id`. */
export const TOKEN_METADATA_KEY = 'token';
export const DOMAIN_METADATA_KEY = 'x_domain_id';

function fullName(service: InventoryService): string {
  return service === 'Secret' ? 'spaceone.api.secret.v1.Secret' : `spaceone.api.inventory.v1.${service}`;
}

function surfaceOf(service: InventoryService): 'secretV1' | 'inventoryV1' {
  return service === 'Secret' ? 'secretV1' : 'inventoryV1';
}

/** The inventory's gRPC API as the CLI calls it: proto-shaped JSON in and out, the caller's token on every call. */
export class InventoryClient {
  private readonly clients = new Map<InventoryService, grpc.Client>();
  private readonly protoJson = ProtoJson.load(['inventoryV1', 'secretV1']);
  private readonly credentials: grpc.ChannelCredentials;

  constructor(readonly connection: Connection) {
    this.credentials = connection.tls ? grpc.credentials.createSsl() : grpc.credentials.createInsecure();
  }

  private client(service: InventoryService): grpc.Client {
    let client = this.clients.get(service);
    if (!client) {
      const Client = serviceClientConstructor(surfaceOf(service), fullName(service));
      client = new Client(this.connection.address, this.credentials, GRPC_CLIENT_OPTIONS);
      this.clients.set(service, client);
    }
    return client;
  }

  private metadata(): grpc.Metadata {
    const metadata = new grpc.Metadata();
    if (this.connection.token) metadata.set(TOKEN_METADATA_KEY, this.connection.token);
    if (this.connection.domain) metadata.set(DOMAIN_METADATA_KEY, this.connection.domain);
    return metadata;
  }

  /** The request is checked against the .proto first: a field the message lacks is a usage error, not a silent drop. */
  private wire(service: InventoryService, method: string, request: Record<string, unknown>): Record<string, unknown> {
    const rpc = this.protoJson.service(fullName(service)).methods[method];
    if (!rpc) throw new Error(`${fullName(service)} has no method ${method}`);
    const requestType = rpc.resolvedRequestType!.fullName.replace(/^\./, '');
    try {
      return this.protoJson.toWire(requestType, request);
    } catch (error) {
      throw CliError.usage((error as Error).message);
    }
  }

  call<T = Record<string, unknown>>(service: InventoryService, method: string, request: Record<string, unknown>): Promise<T> {
    return unaryCall<unknown, T>(this.client(service), method, this.wire(service, method, request), {
      deadlineMs: this.connection.timeoutMs,
      metadata: this.metadata(),
    });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }
}
