import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import * as protobuf from 'protobufjs';
import { Stack, startStack, waitFor, waitForJob } from '@cloud-inventory/testing';

/**
 * The part of OTLP's trace export request (opentelemetry/proto, collector/trace/v1 and trace/v1)
 * this test reads, with the real field numbers: what an OTLP/HTTP protobuf exporter sends.
 */
const OTLP_TRACE_PROTO = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; string name = 5; int32 kind = 6;
  fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8; repeated KeyValue attributes = 9; Status status = 15;
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue { oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4; } }
`;

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  attributes: Record<string, unknown>;
  statusCode: number;
}

interface DecodedKeyValue {
  key: string;
  value?: { string_value?: string; bool_value?: boolean; int_value?: { toNumber(): number } | number; double_value?: number };
}

const hex = (bytes: Uint8Array | undefined) => Buffer.from(bytes ?? []).toString('hex');

function attributesOf(list: DecodedKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const v = value ?? {};
    out[key] = v.string_value ?? v.bool_value ?? (typeof v.int_value === 'object' ? v.int_value.toNumber() : v.int_value) ?? v.double_value;
  }
  return out;
}

/** A real OTLP/HTTP receiver: POST /v1/traces with a protobuf ExportTraceServiceRequest, answered 200. */
class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  readonly contentTypes = new Set<string>();
  /** Requests it could not read (answered 400): none is expected. */
  readonly refused: string[] = [];
  private readonly requestType = protobuf.parse(OTLP_TRACE_PROTO, { keepCase: true }).root.lookupType('otlp.ExportTraceServiceRequest');
  private server?: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.receive(request).then(
        () => response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(),
        (error: unknown) => {
          this.refused.push(String(error));
          response.writeHead(400).end(String(error));
        },
      );
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private async receive(request: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || request.url !== '/v1/traces') throw new Error(`unexpected ${request.method} ${request.url}`);
    this.contentTypes.add(request.headers['content-type'] ?? '');
    let body = Buffer.concat(chunks);
    if (request.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
    const decoded = this.requestType.toObject(this.requestType.decode(body), { longs: Number, bytes: Array, defaults: true }) as {
      resource_spans: { resource?: { attributes: DecodedKeyValue[] }; scope_spans: { spans: Record<string, unknown>[] }[] }[];
    };
    for (const resourceSpans of decoded.resource_spans) {
      const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name']);
      for (const scope of resourceSpans.scope_spans) {
        for (const span of scope.spans) {
          this.spans.push({
            service,
            name: span['name'] as string,
            traceId: hex(span['trace_id'] as Uint8Array),
            spanId: hex(span['span_id'] as Uint8Array),
            parentSpanId: hex(span['parent_span_id'] as Uint8Array),
            attributes: attributesOf(span['attributes'] as DecodedKeyValue[]),
            statusCode: ((span['status'] as { code?: number } | undefined)?.code ?? 0) as number,
          });
        }
      }
    }
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

describe('traces (OTLP over HTTP/protobuf, when OTEL_EXPORTER_OTLP_ENDPOINT is set)', () => {
  const receiver = new OtlpReceiver();
  let stack: Stack;

  beforeAll(async () => {
    await receiver.start();
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
    stack = await startStack({ inventoryEnv: otel, pluginEnv: otel });
  });

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('exports the span tree of a real collect: collect → task → plugin stream → batch writes → storage export, across the three processes', async () => {
    const collector = await stack.grpc.call('Collector', 'create', {
      name: 'traced',
      provider: 'synthetic',
      plugin_info: { plugin_id: 'synthetic', version: '1.0', options: { count: 150, storage_plugin: { plugin_id: 'file-storage', options: {} } } },
    });
    await stack.grpc.call('Secret', 'create', { name: 'traced account', provider: 'synthetic', data: { account_id: '444444444444' } });
    const started = await stack.grpc.call('Collector', 'collect', { collector_id: collector['collector_id'] });
    const jobId: string = started['job_id'];
    expect((await waitForJob(stack, jobId))['status']).toBe('SUCCESS');

    // the root: the collect that started the job
    const root = await waitFor('the collect span', async () =>
      receiver.spans.find((s) => s.name === 'collect' && s.attributes['inventory.job_id'] === jobId),
    ).catch((error: Error) => {
      throw new Error(`${error.message}; received ${receiver.spans.length} spans, refused: ${receiver.refused.join('; ')}`);
    });
    expect(root).toMatchObject({ service: 'inventory', parentSpanId: '', attributes: { 'inventory.collector_id': collector['collector_id'] } });
    const trace = () => receiver.spans.filter((s) => s.traceId === root.traceId);
    const childrenOf = (parent: ReceivedSpan, name: string) => trace().filter((s) => s.parentSpanId === parent.spanId && s.name === name);

    // batching flushes every second: wait until the last spans (the storage plugin's) are in
    await waitFor('the whole trace', async () =>
      trace().some((s) => s.name === 'spaceone.api.inventory.plugin.Storage/export') && trace().some((s) => s.name === 'job_task') ? true : undefined,
    );
    const [task] = childrenOf(root, 'job_task');
    expect(task).toMatchObject({ service: 'inventory', attributes: { 'inventory.job_id': jobId, 'inventory.task_status': 'SUCCESS' } });
    const [stream] = childrenOf(task, 'plugin.collect');
    expect(stream).toMatchObject({ attributes: { 'inventory.plugin_id': 'synthetic' } });
    const batches = await waitFor('the batch spans', async () => {
      const found = childrenOf(stream, 'ingest.batch');
      // 150 resources (+ types and regions) in batches of at most 100: at least two
      return found.length >= 2 ? found : undefined;
    });
    const written = batches.reduce((sum, b) => sum + Number(b.attributes['inventory.resources']), 0);
    expect(written).toBeGreaterThanOrEqual(150);
    const exports = batches.flatMap((batch) => childrenOf(batch, 'storage.export'));
    expect(exports.length).toBeGreaterThanOrEqual(batches.length);
    expect(exports.filter((e) => e.attributes['inventory.resource_type'] === 'inventory.CloudService').reduce((n, e) => n + Number(e.attributes['inventory.resources']), 0)).toBe(150);

    // the plugins continue the trace they were called in (trace context in the gRPC metadata)
    const served = await waitFor('the collector plugin span', async () => childrenOf(stream, 'spaceone.api.inventory.plugin.Collector/collect')[0]);
    expect(served.service).toBe('collector-plugin');
    const storageServed = await waitFor('the storage plugin spans', async () => {
      const found = exports.flatMap((e) => childrenOf(e, 'spaceone.api.inventory.plugin.Storage/export'));
      return found.length === exports.length ? found : undefined;
    });
    expect(new Set(storageServed.map((s) => s.service))).toEqual(new Set(['storage-plugin']));
    expect(trace().every((s) => s.statusCode !== 2)).toBe(true);
    expect([...receiver.contentTypes]).toEqual(['application/x-protobuf']);
    expect(receiver.refused).toEqual([]);

    // log lines written inside the task's span carry its trace id
    const taskLine = stack.inventory
      .log()
      .split('\n')
      .find((line) => line.includes(`"trace_id":"${root.traceId}"`) && line.includes('SUCCESS'));
    expect(taskLine).toBeDefined();
  });
});
