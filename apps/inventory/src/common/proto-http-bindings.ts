import * as protobuf from 'protobufjs';
import { inventoryProtoJson } from './proto-http';

export type HttpVerb = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** One HTTP route of an RPC, as its google.api.http option (or one of its additional_bindings) declares it. */
export interface HttpBinding {
  /** Short service name, e.g. "Job". */
  service: string;
  method: string;
  verb: HttpVerb;
  path: string;
  /** "*" when the whole request message is the JSON body; undefined for GET (query parameters). */
  body?: string;
  requestType: protobuf.Type;
  responseType: protobuf.Type;
  /** false for the RPC's main route, true for its additional_bindings (the older routes). */
  additional: boolean;
}

const VERBS: HttpVerb[] = ['get', 'post', 'put', 'patch', 'delete'];

function bindingOf(rule: Record<string, unknown>): { verb: HttpVerb; path: string; body?: string } | undefined {
  for (const verb of VERBS) {
    if (typeof rule[verb] === 'string') return { verb, path: rule[verb] as string, body: typeof rule['body'] === 'string' ? (rule['body'] as string) : undefined };
  }
  return undefined;
}

function httpRuleOf(method: protobuf.Method): Record<string, unknown> | undefined {
  for (const option of method.parsedOptions ?? []) {
    const rule = (option as Record<string, unknown>)['(google.api.http)'];
    if (rule && typeof rule === 'object') return rule as Record<string, unknown>;
  }
  return undefined;
}

function servicesIn(namespace: protobuf.NamespaceBase, found: protobuf.Service[] = []): protobuf.Service[] {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) found.push(nested);
    else if (nested instanceof protobuf.Namespace) servicesIn(nested, found);
  }
  return found;
}

/** Every HTTP route the .proto contract of the inventory (inventory v1, secret v1) declares, main and additional. */
export function protoHttpBindings(): HttpBinding[] {
  const root = inventoryProtoJson().type('spaceone.api.core.v2.Query').root;
  const bindings: HttpBinding[] = [];
  for (const service of servicesIn(root)) {
    for (const method of service.methodsArray) {
      method.resolve();
      const rule = httpRuleOf(method);
      if (!rule) continue;
      const extra = rule['additional_bindings'];
      const rules = [rule, ...(Array.isArray(extra) ? extra : extra && typeof extra === 'object' ? [extra] : [])] as Record<string, unknown>[];
      rules.forEach((entry, index) => {
        const binding = bindingOf(entry);
        if (!binding) return;
        bindings.push({
          service: service.name,
          method: method.name,
          ...binding,
          requestType: method.resolvedRequestType!,
          responseType: method.resolvedResponseType!,
          additional: index > 0,
        });
      });
    }
  }
  return bindings;
}

/**
 * A lookup from an HTTP request to the RPC ("Region.list") whose binding in the contract it
 * matches, for the routes no controller serves: they answer 501 rather than 404.
 */
export function contractRpcOfRoute(): (method: string, path: string) => string | undefined {
  const routes = protoHttpBindings().map((binding) => {
    const pattern = binding.path
      .split(/\{[^}]+\}/)
      .map((literal) => literal.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))
      .join('[^/]+');
    return { verb: binding.verb.toUpperCase(), pattern: new RegExp(`^${pattern}/?$`), rpc: `${binding.service}.${binding.method}` };
  });
  return (method, path) => routes.find((route) => route.verb === method.toUpperCase() && route.pattern.test(path))?.rpc;
}
