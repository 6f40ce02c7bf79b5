import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import { JsonRecord } from '@cloud-inventory/testing';

export type K8sObject = JsonRecord & { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } };

/** `kubectl kustomize <dir>`: the objects of a kustomization, as Kubernetes would receive them. */
export function kustomize(dir: string): K8sObject[] {
  let rendered: string;
  try {
    rendered = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error('kubectl is not installed: the deployment tests render the manifests with `kubectl kustomize` (Debian: apt-get install kubernetes-client)', { cause: error });
    }
    throw new Error(`kubectl kustomize ${dir} failed:\n${failure.stderr ?? failure.message}`, { cause: error });
  }
  const objects: K8sObject[] = parseAllDocuments(rendered)
    .map((document) => document.toJS())
    .filter(Boolean);
  // kustomize folds long base64 values over lines; the API server's decoder skips the line breaks
  for (const secret of objects.filter((object) => object.kind === 'Secret' && object['data'])) {
    for (const key of Object.keys(secret['data'])) secret['data'][key] = secret['data'][key].replace(/\s+/g, '');
  }
  return objects;
}

/**
 * Validates an object against the Kubernetes API schema of its kind (the OpenAPI schemas compiled into
 * kubernetes-models), and also refuses fields the schema does not know: the OpenAPI documents allow
 * unknown fields, which the API server then drops or (with strict validation) refuses.
 *
 * Unknown fields are found without a second copy of the schema: the compiled validator reads every
 * field its schema names (and every key of a free-form map), so a field it never read is one it does
 * not know.
 */
export function validateAgainstKubernetesSchema(object: K8sObject): string[] {
  const [group, version] = object.apiVersion.includes('/') ? object.apiVersion.split('/') : ['', object.apiVersion];
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Model = require(`kubernetes-models/${group ? `${group}/` : ''}${version}`)[object.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${describe(object)}: no schema for ${object.apiVersion} ${object.kind}`];

  const touched = new Set<string>();
  const problems: string[] = [];
  try {
    // the validator runs on `this`: the object itself, watched (a Model instance would be a deep copy)
    Model.prototype.validate.call(watch(object, '', touched));
  } catch (error) {
    problems.push(`${describe(object)}: ${(error as Error).message}`);
  }
  const unknown = leafPaths(object, '').filter((path) => !touched.has(path));
  for (const path of unknown) {
    // name the outermost unknown field only
    if (!unknown.includes(path.slice(0, path.lastIndexOf('/')))) problems.push(`${describe(object)}: unknown field ${path}`);
  }
  return problems;
}

function watch(value: unknown, path: string, touched: Set<string>): unknown {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value as object, {
    get(target, key, receiver) {
      const child = Reflect.get(target, key, receiver);
      if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(target, key)) return child;
      const childPath = `${path}/${key}`;
      touched.add(childPath);
      return watch(child, childPath, touched);
    },
  });
}

/** The path of every field of an object (array items by index). */
function leafPaths(value: unknown, path: string): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value as object).flatMap(([key, child]) => [`${path}/${key}`, ...leafPaths(child, `${path}/${key}`)]);
}

export function describe(object: K8sObject): string {
  return `${object.kind} ${object.metadata?.namespace ? `${object.metadata.namespace}/` : ''}${object.metadata?.name}`;
}

export function byKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((object) => object.kind === kind);
}

export function named(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} among ${objects.map(describe).join(', ')}`);
  return found;
}

/** Does a label selector (matchLabels only) select these labels? */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([key, value]) => labels?.[key] === value);
}

/** A Secret's or ConfigMap's values as strings (Secret data is base64). */
export function valuesOf(object: K8sObject): Record<string, string> {
  const values: Record<string, string> = { ...(object['stringData'] ?? {}) };
  for (const [key, value] of Object.entries<string>(object['data'] ?? {})) {
    values[key] = object.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value;
  }
  return values;
}

export interface ResolvedContainer {
  workload: K8sObject;
  container: JsonRecord;
  /** Every variable the container gets from the manifests, with its value. */
  env: Record<string, string>;
  /** Files the container sees from Secret/ConfigMap volumes: mount path + key -> content. */
  files: Record<string, string>;
  /** Mount paths of the container's other volumes (emptyDir, persistent volumes). */
  directories: string[];
}

/** A container of a workload with its environment and mounted files resolved from the other objects. */
export function resolveContainer(objects: K8sObject[], workload: K8sObject, container: JsonRecord): ResolvedContainer {
  const podSpec = workload['spec']['template']['spec'];
  const source = (kind: 'ConfigMap' | 'Secret', name: string) => valuesOf(named(objects, kind, name));
  const env: Record<string, string> = {};
  for (const from of container['envFrom'] ?? []) {
    const values = from.configMapRef ? source('ConfigMap', from.configMapRef.name) : source('Secret', from.secretRef.name);
    for (const [key, value] of Object.entries(values)) env[`${from.prefix ?? ''}${key}`] = value;
  }
  for (const variable of container['env'] ?? []) {
    if (variable.value !== undefined) env[variable.name] = String(variable.value);
    else if (variable.valueFrom?.configMapKeyRef) env[variable.name] = source('ConfigMap', variable.valueFrom.configMapKeyRef.name)[variable.valueFrom.configMapKeyRef.key];
    else if (variable.valueFrom?.secretKeyRef) env[variable.name] = source('Secret', variable.valueFrom.secretKeyRef.name)[variable.valueFrom.secretKeyRef.key];
    else throw new Error(`${describe(workload)}: env ${variable.name} has a source this test does not resolve`);
  }
  const files: Record<string, string> = {};
  const directories: string[] = [];
  for (const mount of container['volumeMounts'] ?? []) {
    const volume = (podSpec['volumes'] ?? []).find((v: { name: string }) => v.name === mount.name);
    if (!volume) throw new Error(`${describe(workload)}: volumeMount ${mount.name} names no volume`);
    const values = volume.secret ? source('Secret', volume.secret.secretName) : volume.configMap ? source('ConfigMap', volume.configMap.name) : undefined;
    if (!values) {
      directories.push(mount.mountPath);
      continue;
    }
    for (const [key, value] of Object.entries(values)) files[`${mount.mountPath}/${key}`] = value;
  }
  return { workload, container, env, files, directories };
}
