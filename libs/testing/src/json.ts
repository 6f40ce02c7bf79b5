/**
 * A value of the wire (gRPC JSON, HTTP bodies, rendered manifests) as tests read it: by path, with
 * `expect()` checking each field. Typing every response of every test would add casts, not safety.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the one loose type of test code: responses are read by path and checked by expect()
export type LooseJson = any;
export type JsonRecord = Record<string, LooseJson>;
