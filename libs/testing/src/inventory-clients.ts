import * as grpc from '@grpc/grpc-js';
import { GRPC_CLIENT_OPTIONS, ProtoJson, serviceClientConstructor, unaryCall, unaryClient } from '@cloud-inventory/grpc';
import { healthGrpc } from '@cloud-inventory/proto';
import { JsonRecord, LooseJson } from './json';

type InventoryService = 'Collector' | 'Job' | 'JobTask' | 'CloudService' | 'Plugin' | 'CloudServiceType' | 'Region' | 'ChangeHistory' | 'Namespace' | 'Metric' | 'MetricData';

const protoJson = ProtoJson.load(['inventoryV1', 'secretV1']);

function serviceName(service: InventoryService | 'Secret'): string {
  return service === 'Secret' ? 'spaceone.api.secret.v1.Secret' : `spaceone.api.inventory.v1.${service}`;
}

/**
 * A gRPC client of the inventory, as a dynamic client (spacectl, grpcurl) uses it: service and
 * method by name, the request checked against the .proto and sent with the generic codec.
 * `defaultMetadata` (a token, x_domain_id) goes with every call; a call's own metadata overrides it.
 */
export class InventoryGrpcClient {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(
    private readonly address: string,
    private readonly defaultMetadata: Record<string, string> = {},
  ) {}

  /** Another client of the same server, calling with other credentials. */
  withMetadata(metadata: Record<string, string>): InventoryGrpcClient {
    return new InventoryGrpcClient(this.address, metadata);
  }

  private client(service: InventoryService | 'Secret'): grpc.Client {
    let client = this.clients.get(service);
    if (!client) {
      const Client = serviceClientConstructor(service === 'Secret' ? 'secretV1' : 'inventoryV1', serviceName(service));
      client = new Client(this.address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
      this.clients.set(service, client);
    }
    return client;
  }

  call<T = JsonRecord>(service: InventoryService | 'Secret', method: string, request: Record<string, unknown>, metadata?: grpc.Metadata): Promise<T> {
    const requestType = protoJson.service(serviceName(service)).methods[method].resolvedRequestType!.fullName.replace(/^\./, '');
    const sent = new grpc.Metadata();
    for (const [key, value] of Object.entries(this.defaultMetadata)) sent.set(key, value);
    for (const [key, values] of Object.entries(metadata?.getMap() ?? {})) sent.set(key, values as string);
    return unaryCall<unknown, T>(this.client(service), method, protoJson.toWire(requestType, request), { deadlineMs: 30_000, metadata: sent });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}

export interface HttpResult<T = LooseJson> {
  status: number;
  body: T;
}

/** POST JSON (or a raw string) to the inventory's HTTP API. */
export async function post<T = LooseJson>(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function get<T = LooseJson>(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** grpc.health.v1 Check against any of our servers. */
export async function grpcHealth(address: string): Promise<string> {
  const channel = new grpc.Client(address, grpc.credentials.createInsecure());
  try {
    const response = await unaryClient(channel, healthGrpc.HealthService).check({ service: '' }, { deadlineMs: 2000 });
    return response.status;
  } finally {
    channel.close();
  }
}
