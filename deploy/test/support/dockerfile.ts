import { readFileSync } from 'node:fs';

export interface DockerStage {
  name: string;
  from: string;
  /** ENV of this stage and of the stages it is built FROM. */
  env: Record<string, string>;
  expose: number[];
  /** HEALTHCHECK CMD as an exec array, if any. */
  healthcheck?: string[];
  /** Directories the stage creates (RUN mkdir -p …): volumes of the image. */
  directories: string[];
}

/** The stages of a Dockerfile: enough of its syntax to compare the images with the apps and manifests. */
export function readDockerfile(path: string): DockerStage[] {
  // one instruction per logical line: join continuations, drop comments
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const stages: DockerStage[] = [];
  let stage: DockerStage | undefined;
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (instruction.toUpperCase()) {
      case 'FROM': {
        const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        if (!match) throw new Error(`Dockerfile: cannot read "${line}"`);
        const parent = stages.find((s) => s.name === match[1]);
        stage = {
          name: match[2] ?? '',
          from: match[1],
          env: { ...(parent?.env ?? {}) },
          expose: [...(parent?.expose ?? [])],
          healthcheck: parent?.healthcheck,
          directories: [...(parent?.directories ?? [])],
        };
        stages.push(stage);
        break;
      }
      case 'ENV':
        for (const pair of args.match(/[A-Za-z_][A-Za-z0-9_]*=("[^"]*"|\S*)/g) ?? []) {
          const index = pair.indexOf('=');
          stage!.env[pair.slice(0, index)] = pair.slice(index + 1).replace(/^"|"$/g, '');
        }
        break;
      case 'EXPOSE':
        stage!.expose.push(...args.split(/\s+/).map((port) => Number(port.replace(/\/tcp$/, ''))));
        break;
      case 'HEALTHCHECK':
        stage!.healthcheck = JSON.parse(args.slice(args.indexOf('CMD') + 3).trim());
        break;
      case 'RUN':
        for (const match of args.matchAll(/mkdir -p ((?:\/\S+\s*)+)/g)) stage!.directories.push(...match[1].trim().split(/\s+/));
        break;
    }
  }
  return stages;
}
