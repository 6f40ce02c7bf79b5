import * as grpc from '@grpc/grpc-js';

/** What a generated (ts-proto outputServices=grpc-js) service definition says of one method. */
interface GeneratedMethod<Request, Response> {
  readonly path: string;
  readonly requestStream: boolean;
  readonly responseStream: boolean;
  requestSerialize(value: Request): Buffer;
  responseDeserialize(value: Buffer): Response;
}

export interface UnaryCallOptions {
  /** Milliseconds from now until the call fails with DEADLINE_EXCEEDED. */
  deadlineMs: number;
  metadata?: grpc.Metadata;
}

/**
 * The unary methods of a generated service definition as promise-returning functions, typed by
 * the definition: `client.init({ options }, { deadlineMs })` resolves to a PluginInfo. Streaming
 * methods are left out (the hot paths have codecs of their own).
 */
export type UnaryClient<Service> = {
  [Method in keyof Service as Service[Method] extends { requestStream: false; responseStream: false } ? Method : never]: Service[Method] extends GeneratedMethod<
    infer Request,
    infer Response
  >
    ? (request: Request, options: UnaryCallOptions) => Promise<Response>
    : never;
};

/**
 * Binds a generated service definition's unary methods to a grpc-js channel (a grpc.Client):
 * requests are encoded and responses decoded by the generated code, Structs as plain JSON.
 * Failures reject with the grpc-js ServiceError (code, details).
 */
export function unaryClient<Service extends Record<string, GeneratedMethod<unknown, unknown>>>(channel: grpc.Client, service: Service): UnaryClient<Service> {
  const methods: Record<string, (request: unknown, options: UnaryCallOptions) => Promise<unknown>> = {};
  for (const [name, method] of Object.entries(service)) {
    if (method.requestStream || method.responseStream) continue;
    methods[name] = (request, options) =>
      new Promise((resolve, reject) => {
        channel.makeUnaryRequest(
          method.path,
          method.requestSerialize,
          method.responseDeserialize,
          request,
          options.metadata ?? new grpc.Metadata(),
          { deadline: Date.now() + options.deadlineMs },
          (error, response) => (error ? reject(error) : resolve(response)),
        );
      });
  }
  return methods as UnaryClient<Service>;
}
