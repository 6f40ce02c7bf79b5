#!/usr/bin/env node
// The images' HEALTHCHECK: grpc.health.v1.Health/Check (service "") against this container's own
// gRPC server; exit 0 when it answers SERVING, 1 otherwise.
//
//   node grpc-health-check.js INVENTORY_GRPC_LISTEN=0.0.0.0:50051
//
// The argument names the variable the app reads its listen address from, and that variable's default.
// The two messages are encoded by hand (HealthCheckRequest{service: ""} is zero bytes; the answer is
// field 1, a varint), so the probe needs only @grpc/grpc-js, which every app image has.
'use strict';
const grpc = require('@grpc/grpc-js');

const SERVING = 1;
const [variable, fallback] = (process.argv[2] ?? '').split('=');
const listen = (variable && process.env[variable]) || fallback;
if (!listen || !/:\d+$/.test(listen)) {
  console.error('usage: grpc-health-check.js LISTEN_VARIABLE=default-host:port');
  process.exit(2);
}
const port = listen.slice(listen.lastIndexOf(':') + 1);
const host = listen.slice(0, listen.lastIndexOf(':'));
// a wildcard listen address is reached on loopback
const target = ['0.0.0.0', '::', '[::]', ''].includes(host) ? `127.0.0.1:${port}` : listen;

function statusOf(bytes) {
  // HealthCheckResponse: field 1 (status), wire type 0: tag byte 0x08, then a varint (0..3 fit in one byte)
  return bytes.length >= 2 && bytes[0] === 0x08 ? bytes[1] : 0;
}

const client = new grpc.Client(target, grpc.credentials.createInsecure());
client.makeUnaryRequest(
  '/grpc.health.v1.Health/Check',
  () => Buffer.alloc(0),
  (bytes) => statusOf(bytes),
  {},
  { deadline: Date.now() + 3000 },
  (error, status) => {
    client.close();
    if (error) {
      console.error(`grpc health check of ${target}: ${error.message}`);
      process.exit(1);
    }
    if (status !== SERVING) console.error(`grpc health check of ${target}: status ${status}`);
    process.exit(status === SERVING ? 0 : 1);
  },
);
