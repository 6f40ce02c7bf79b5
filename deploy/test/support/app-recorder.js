// Preloaded into a built app (`node -r app-recorder.js dist/apps/<app>/main.js`) by the deployment
// tests: it records, as JSON lines appended to $APP_RECORDER_OUT, every environment variable the app
// reads and every port it asks to listen on, without changing the app. A requested port is served on a
// free one instead (so that several runs and other tests do not collide); the line gives both.
'use strict';
const fs = require('node:fs');
const net = require('node:net');

const out = process.env.APP_RECORDER_OUT;
if (!out) throw new Error('app-recorder: APP_RECORDER_OUT is not set');
const record = (entry) => fs.appendFileSync(out, `${JSON.stringify(entry)}\n`);

const environment = process.env;
const read = new Set(['APP_RECORDER_OUT']);
function noteRead(name) {
  if (typeof name === 'string' && !read.has(name)) {
    read.add(name);
    record({ env: name });
  }
}
// only reads and `in` tests count: enumerating the environment (a child process's copy) reads no name
process.env = new Proxy(environment, {
  get(target, name) {
    noteRead(name);
    return Reflect.get(target, name);
  },
  has(target, name) {
    noteRead(name);
    return Reflect.has(target, name);
  },
});

// net.Server#listen is where both HTTP (express) and gRPC (http2) servers bind
const served = new Map(); // requested port -> the free port used instead
const actualPorts = new Set();
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function (...args) {
  const options = typeof args[0] === 'object' && args[0] !== null ? args[0] : undefined;
  const rawPort = options ? options.port : args[0];
  const requested = typeof rawPort === 'string' && /^\d+$/.test(rawPort) ? Number(rawPort) : rawPort;
  if (typeof requested === 'number' && requested > 0 && !actualPorts.has(requested)) {
    const port = served.get(requested) ?? 0;
    if (options) args[0] = { ...options, port };
    else args[0] = port;
    const host = options ? options.host : typeof args[1] === 'string' ? args[1] : undefined;
    this.once('listening', () => {
      const address = this.address();
      served.set(requested, address.port);
      actualPorts.add(address.port);
      record({ listen: { requested, host: host ?? null, actual: address.port } });
    });
  }
  return listen.apply(this, args);
};
