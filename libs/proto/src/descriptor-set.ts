import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const FILE_NAME = 'descriptor-set.binpb';

/**
 * The FileDescriptorSet `buf build` makes of proto/ (every file, imports included, with their
 * real names, options and comments): what gRPC reflection serves. Apps copy it next to their
 * bundle; in the workspace it is libs/proto/src/descriptor-set.binpb. PROTO_DESCRIPTOR_SET
 * overrides both.
 */
export function descriptorSetPath(): string {
  const candidates = [
    process.env['PROTO_DESCRIPTOR_SET'],
    join(__dirname, FILE_NAME),
    resolve(__dirname, '../../../libs/proto/src', FILE_NAME),
    resolve(process.cwd(), 'libs/proto/src', FILE_NAME),
  ].filter((path): path is string => !!path);
  const found = candidates.find((path) => existsSync(path));
  if (!found) {
    throw new Error(`The proto descriptor set was not found; looked in ${candidates.join(', ')}. Run \`npx nx run proto:generate\` or set PROTO_DESCRIPTOR_SET.`);
  }
  return found;
}

/** The serialized google.protobuf.FileDescriptorSet of proto/. */
export function readDescriptorSet(): Buffer {
  return readFileSync(descriptorSetPath());
}
