import * as grpc from '@grpc/grpc-js';
import { GRPC_CLIENT_OPTIONS, ProtoJson, serviceClientConstructor, unaryClient } from '@cloud-inventory/grpc';
import { healthGrpc } from '@cloud-inventory/proto';

type InventoryService = 'Collector' | 'Job' | 'JobTask' | 'CloudService' | 'Plugin' | 'CloudServiceType' | 'Region';

const protoJson = ProtoJson.load(['inventoryV1', 'secretV1']);

function serviceName(service: InventoryService | 'Secret'): string {
  return service === 'Secret' ? 'spaceone.api.secret.v1.Secret' : `spaceone.api.inventory.v1.${service}`;
}

/**
 * A gRPC client of the inventory, as a dynamic client (spacectl, grpcurl) uses it: service and
 * method by name, the request checked against the .proto and sent with the generic codec.
 */
export class InventoryGrpcClient {
  private readonly clients = new Map<string, grpc.Client>();

  constructor(private readonly address: string) {}

  private client(service: InventoryService | 'Secret'): grpc.Client {
    let client = this.clients.get(service);
    if (!client) {
      const Client = serviceClientConstructor(service === 'Secret' ? 'secretV1' : 'inventoryV1', serviceName(service));
      client = new Client(this.address, grpc.credentials.createInsecure(), GRPC_CLIENT_OPTIONS);
      this.clients.set(service, client);
    }
    return client;
  }

  call<T = Record<string, any>>(service: InventoryService | 'Secret', method: string, request: Record<string, unknown>, metadata?: grpc.Metadata): Promise<T> {
    const requestType = protoJson.service(serviceName(service)).methods[method].resolvedRequestType!.fullName.replace(/^\./, '');
    return callByName<T>(this.client(service), method, protoJson.toWire(requestType, request), { deadlineMs: 30_000, metadata });
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
  }
}

export interface HttpResult<T = any> {
  status: number;
  body: T;
}

/** POST JSON (or a raw string) to the inventory's HTTP API. */
export async function post<T = any>(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

export async function get<T = any>(baseUrl: string, path: string): Promise<HttpResult<T>> {
  const response = await fetch(`${baseUrl}${path}`);
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** A unary call on a proto-loader client by method name (the dynamic client's way). */
function callByName<T>(client: grpc.Client, method: string, request: unknown, options: { deadlineMs: number; metadata?: grpc.Metadata }): Promise<T> {
  const fn = (client as unknown as Record<string, Function>)[method];
  if (typeof fn !== 'function') return Promise.reject(new Error(`gRPC method ${method} is not defined on this client`));
  return new Promise<T>((resolve, reject) => {
    fn.call(client, request, options.metadata ?? new grpc.Metadata(), { deadline: Date.now() + options.deadlineMs }, (error: grpc.ServiceError | null, response: T) =>
      error ? reject(error) : resolve(response),
    );
  });
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
