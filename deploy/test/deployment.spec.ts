import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { createTestDatabase, TestDatabase } from '@cloud-inventory/database/testing';
import { byKind, describe as describeObject, K8sObject, kustomize, resolveContainer, ResolvedContainer, selects, validateAgainstKubernetesSchema, valuesOf } from './support/manifests';
import { DockerStage, readDockerfile } from './support/dockerfile';
import { AppRun, runApp, WORKSPACE } from './support/run-app';
import { JsonRecord } from '@cloud-inventory/testing';

/**
 * The deployment files against the apps they deploy: the Kubernetes manifests (base and production
 * overlay, rendered by `kubectl kustomize`), the Dockerfile's images and docker-compose.yml.
 *
 * What the apps accept is learnt from the built apps themselves, black-box: each workload's container
 * is run on this machine (dist/apps/<app>/main.js) with exactly the environment and files its manifest
 * gives it, and a preloaded recorder notes which variables the app reads and which ports it listens on.
 * So a port, a variable name or a probe that drifts from what the app does fails here, whichever side
 * moved, without the test keeping its own copy of the apps' configuration.
 */

const KUBERNETES = join(WORKSPACE, 'deploy/kubernetes');
const IMAGE_REPOSITORY = 'cloud-inventory';

/**
 * Variables the deployment files already set for parts other branches are building; the apps do not
 * read them yet. Once an app reads one, its entry here must go (a test below says so).
 */
const PENDING_ENV: Record<string, string> = {
};
/** Read by libraries when they need it, not necessarily while starting. */
const RUNTIME_ENV = new Set(['NODE_ENV']);

const dockerStages = readDockerfile(join(WORKSPACE, 'Dockerfile'));
/** The images of the Dockerfile that run an app: stages FROM the shared runtime stage, named after the app. */
const appStages = dockerStages.filter((stage) => stage.from === 'runtime');
const stageOfImage = (image: string): DockerStage | undefined => {
  const repository = image.replace(/:[^/:]+$/, '');
  return appStages.find((stage) => `${IMAGE_REPOSITORY}/${stage.name}` === repository);
};

function grpcProbePorts(container: JsonRecord): number[] {
  return ['startupProbe', 'readinessProbe', 'livenessProbe'].filter((probe) => container[probe]).map((probe) => container[probe].grpc?.port);
}

/** A test database and keys, standing for the real secrets an operator writes into the overlay's secrets/. */
function writeTestSecrets(dir: string, databaseUrl: string): void {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'inventory.env'), `DATABASE_URL=${databaseUrl}\nSECRET_ENCRYPTION_KEY=${randomBytes(32).toString('hex')}\n`);
  writeFileSync(join(dir, 'auth-signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: 'test', alg: 'RS256', use: 'sig' };
  writeFileSync(join(dir, 'auth-jwks.json'), JSON.stringify({ keys: [jwk] }));
}

describe('deployment files', () => {
  let database: TestDatabase;
  let base: K8sObject[];
  let production: K8sObject[];
  /** Each run of an app, by the workload (or image) it stands for. */
  const runs = new Map<string, AppRun>();
  const runsOf = (app: string) => [...runs.values()].filter((run) => run.app === app);
  const envReadBy = (app: string) => new Set(runsOf(app).flatMap((run) => [...run.envRead]));

  beforeAll(async () => {
    database = await createTestDatabase('deploy');
    base = kustomize(join(KUBERNETES, 'base'));
    // the production overlay reads its secrets from files nobody commits: render a copy with test ones
    const copy = mkdtempSync(join(tmpdir(), 'cinv-kustomize-'));
    try {
      cpSync(KUBERNETES, copy, { recursive: true });
      writeTestSecrets(join(copy, 'overlays/production/secrets'), database.url);
      production = kustomize(join(copy, 'overlays/production'));
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await database?.drop().catch(() => undefined);
  });

  const renders = () => [
    ['base', base],
    ['production overlay', production],
  ] as const;
  const containersOf = (objects: K8sObject[]): ResolvedContainer[] =>
    byKind(objects, 'Deployment').flatMap((deployment) =>
      deployment['spec']['template']['spec']['containers'].map((container: JsonRecord) => resolveContainer(objects, deployment, container)),
    );

  it('renders base and overlay into objects the Kubernetes API accepts: every field known, every value of its type', () => {
    for (const [, objects] of renders()) {
      expect(objects.length).toBeGreaterThan(10);
      expect(objects.flatMap(validateAgainstKubernetesSchema)).toEqual([]);
    }
    expect(byKind(production, 'Namespace').map((n) => n.metadata.name)).toEqual(['cloud-inventory']);
    expect(production.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== 'cloud-inventory').map(describeObject)).toEqual([]);
  });

  it('keeps placeholders, never values, in the base Secrets; the overlay replaces every one', () => {
    const secretValues = (objects: K8sObject[]) => byKind(objects, 'Secret').flatMap((secret) => Object.values(valuesOf(secret)));
    expect(secretValues(base).length).toBeGreaterThan(0);
    expect(secretValues(base).filter((value) => !value.includes('REPLACE_ME'))).toEqual([]);
    expect(secretValues(production).filter((value) => value.includes('REPLACE_ME'))).toEqual([]);
  });

  it('runs the Dockerfile\'s app images, tagged by the overlay', () => {
    for (const [, objects] of renders()) {
      for (const { workload, container } of containersOf(objects)) {
        expect({ workload: workload.metadata.name, image: container.image, stage: stageOfImage(container.image)?.name }).toEqual({
          workload: workload.metadata.name,
          image: container.image,
          stage: expect.any(String),
        });
      }
    }
    expect(containersOf(production).map(({ container }) => container.image.split(':').pop())).not.toContain('latest');
  });

  it('gives every container probes on its gRPC port, requests and limits, and a grace that covers preStop plus SHUTDOWN_GRACE_SECONDS', () => {
    for (const [, objects] of renders()) {
      for (const { workload, container, env } of containersOf(objects)) {
        const where = `${workload.metadata.name}/${container.name}`;
        const grpcPort = container.ports.find((p: { name: string }) => p.name === 'grpc')?.containerPort;
        expect({ where, readiness: !!container.readinessProbe, liveness: !!container.livenessProbe }).toEqual({ where, readiness: true, liveness: true });
        expect({ where, probePorts: grpcProbePorts(container).every((port) => port === grpcPort) }).toEqual({ where, probePorts: true });
        for (const resource of ['cpu', 'memory']) {
          expect({ where, resource, request: container.resources?.requests?.[resource], limit: container.resources?.limits?.[resource] }).toEqual({
            where,
            resource,
            request: expect.anything(),
            limit: expect.anything(),
          });
        }
        const preStop = container.lifecycle?.preStop;
        const preStopSeconds = preStop?.sleep?.seconds ?? (preStop?.exec?.command?.[0] === 'sleep' ? Number(preStop.exec.command[1]) : 0);
        const shutdownGrace = Number(env['SHUTDOWN_GRACE_SECONDS'] ?? 0);
        const grace = workload['spec']['template']['spec']['terminationGracePeriodSeconds'] ?? 30;
        expect({ where, enough: grace > preStopSeconds + shutdownGrace }).toEqual({ where, enough: true });
      }
    }
  });

  it('routes each Service to a port its pods declare, guards API and workers with PodDisruptionBudgets, and runs one scheduler', () => {
    for (const [, objects] of renders()) {
      const deployments = byKind(objects, 'Deployment');
      for (const service of byKind(objects, 'Service')) {
        const targets = deployments.filter((d) => selects(service['spec']['selector'], d['spec']['template']['metadata']['labels']));
        expect({ service: service.metadata.name, targets: targets.length }).toEqual({ service: service.metadata.name, targets: 1 });
        const declared = targets[0]['spec']['template']['spec']['containers'].flatMap((c: JsonRecord) => c.ports ?? []);
        for (const port of service['spec']['ports']) {
          const target = declared.find((p: { name: string; containerPort: number }) => p.name === port.targetPort || p.containerPort === port.targetPort);
          expect({ service: service.metadata.name, port: port.name, routed: !!target }).toEqual({ service: service.metadata.name, port: port.name, routed: true });
        }
      }
      const guarded = byKind(objects, 'PodDisruptionBudget').flatMap((pdb) =>
        deployments.filter((d) => selects(pdb['spec']['selector']['matchLabels'], d['spec']['template']['metadata']['labels'])).map((d) => d.metadata.name),
      );
      expect(guarded.sort()).toEqual(['inventory-api', 'inventory-worker']);
      expect(deployments.find((d) => d.metadata.name === 'inventory-scheduler')?.['spec']['replicas']).toBe(1);
    }
    expect(byKind(production, 'Deployment').map((d) => [d.metadata.name, d['spec']['replicas']])).toEqual(
      expect.arrayContaining([
        ['inventory-api', 2],
        ['inventory-worker', 3],
      ]),
    );
  });

  it('points INVENTORY_PLUGINS at the plugins\' Services, on the ports their containers listen on', () => {
    for (const [, objects] of renders()) {
      for (const { env } of containersOf(objects).filter(({ container }) => stageOfImage(container.image)?.name === 'inventory')) {
        const endpoints = env['INVENTORY_PLUGINS'].split(',').map((entry) => entry.split('@')[1]);
        expect(endpoints.length).toBeGreaterThan(0);
        for (const endpoint of endpoints) {
          const [host, port] = endpoint.split(':');
          const service = byKind(objects, 'Service').find((s) => s.metadata.name === host);
          const servicePort = service?.['spec']['ports'].find((p: { port: number }) => p.port === Number(port));
          expect({ endpoint, servicePort: servicePort?.port }).toEqual({ endpoint, servicePort: Number(port) });
        }
      }
    }
  });

  it('each workload of the overlay starts with its manifest\'s environment and files, listens on exactly its declared ports and is SERVING on its probes', async () => {
    for (const resolved of containersOf(production)) {
      const { workload, container, env, files, directories } = resolved;
      const app = stageOfImage(container.image)!.name;
      const declared = container.ports.map((p: { containerPort: number }) => p.containerPort);
      const grpcPort = container.ports.find((p: { name: string }) => p.name === 'grpc').containerPort;
      const imageEnv = stageOfImage(container.image)!.env;
      const run = await runApp({ app, env: { ...imageEnv, ...env }, files, directories, ports: declared, grpcPort }, async (running) => {
        for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'].filter((p) => container[p])) {
          expect([workload.metadata.name, probe, await running.health(container[probe].grpc.port, container[probe].grpc.service ?? '')]).toEqual([
            workload.metadata.name,
            probe,
            'SERVING',
          ]);
        }
      });
      runs.set(`deployment ${workload.metadata.name}`, run);
      expect([workload.metadata.name, run.listens.map((l) => l.requested).sort()]).toEqual([workload.metadata.name, [...declared].sort()]);
      // the manifest names only variables the app reads (or ones still being built)
      const unread = Object.keys(env).filter((name) => !run.envRead.has(name) && !PENDING_ENV[name]);
      expect([workload.metadata.name, unread]).toEqual([workload.metadata.name, []]);
    }
  });

  it('each image, run with its own ENV only, listens on what it EXPOSEs, and its HEALTHCHECK probes the variable (and default) the app listens by', async () => {
    for (const stage of appStages) {
      const [, script, argument] = stage.healthcheck ?? [];
      expect([stage.name, script]).toEqual([stage.name, 'grpc-health-check.js']);
      const [variable, fallback] = argument.split('=');
      const grpcPort = Number(fallback.split(':').pop());
      // a database is the one thing every deployment of the inventory gives it
      const required: Record<string, string> =
        stage.name === 'inventory' ? { DATABASE_URL: database.url, SECRET_ENCRYPTION_KEY: randomBytes(32).toString('hex') } : {};
      const run = await runApp({ app: stage.name, env: { ...stage.env, ...required }, directories: stage.directories, ports: stage.expose, grpcPort });
      runs.set(`image ${stage.name}`, run);
      expect([stage.name, run.listens.map((l) => l.requested).sort()]).toEqual([stage.name, [...stage.expose].sort()]);
      expect([stage.name, run.envRead.has(variable)]).toEqual([stage.name, true]);
      const unread = Object.keys(stage.env).filter((name) => !run.envRead.has(name) && !RUNTIME_ENV.has(name));
      expect([stage.name, unread]).toEqual([stage.name, []]);
    }
  });

  it('the base sets only variables the apps read', () => {
    for (const { workload, container, env } of containersOf(base)) {
      const read = envReadBy(stageOfImage(container.image)!.name);
      expect(read.size).toBeGreaterThan(0);
      const unread = Object.keys(env).filter((name) => !read.has(name) && !PENDING_ENV[name]);
      expect([workload.metadata.name, unread]).toEqual([workload.metadata.name, []]);
    }
  });

  it('docker-compose.yml: images built from the Dockerfile\'s stages, variables the apps read, health checks and ports on the addresses the apps listen on', () => {
    const compose = parseYaml(readFileSync(join(WORKSPACE, 'docker-compose.yml'), 'utf8'), { merge: true });
    const services = Object.entries<JsonRecord>(compose.services).filter(([, service]) => service.build);
    expect(services.map(([name]) => name).sort()).toEqual(['collector-plugin', 'inventory-api', 'inventory-scheduler', 'inventory-worker', 'storage-plugin']);
    for (const [name, service] of services) {
      const stage = appStages.find((s) => s.name === service.build.target);
      expect([name, service.image.replace(/:.*$/, '')]).toEqual([name, `${IMAGE_REPOSITORY}/${stage?.name}`]);
      const read = envReadBy(stage!.name);
      expect(read.size).toBeGreaterThan(0);
      const unread = Object.keys(service.environment).filter((variable) => !read.has(variable) && !PENDING_ENV[variable]);
      expect([name, unread]).toEqual([name, []]);
      // the health check asks the port the service listens on
      const [, , argument] = service.healthcheck.test.slice(1);
      const [variable] = argument.split('=');
      expect([name, variable, service.environment[variable]]).toEqual([name, variable, argument.slice(variable.length + 1)]);
      const listenPort = Number(String(service.environment[variable]).split(':').pop());
      expect([name, stage!.expose.includes(listenPort)]).toEqual([name, true]);
      for (const published of service.ports ?? []) {
        const containerPort = Number(String(published).split(':').pop());
        expect([name, stage!.expose.includes(containerPort)]).toEqual([name, true]);
      }
    }
  });

  it(`still needs the variables waiting for other work (${Object.keys(PENDING_ENV).join(', ')}): remove a name from PENDING_ENV once an app reads it`, () => {
    expect(runs.size).toBeGreaterThan(0);
    const nowRead = Object.keys(PENDING_ENV).filter((name) => [...runs.values()].some((run) => run.envRead.has(name)));
    expect(nowRead).toEqual([]);
  });
});
