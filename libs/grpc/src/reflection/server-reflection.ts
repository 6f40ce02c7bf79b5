import * as grpc from '@grpc/grpc-js';
import { readDescriptorSet, reflectionV1, reflectionV1alpha } from '@cloud-inventory/proto';
import { DescriptorIndex, IndexedFile } from './descriptor-index';

type Request = reflectionV1.ServerReflectionRequest;
type Response = reflectionV1.ServerReflectionResponse;

const REFLECTION_FILES = ['grpc/reflection/v1/reflection.proto', 'grpc/reflection/v1alpha/reflection.proto'];

/**
 * gRPC server reflection (grpc.reflection.v1 and v1alpha: Cloudforet's clients speak v1alpha,
 * newer tools v1) answered from the FileDescriptorSet buf builds from proto/: real file names,
 * imports, options and comments, so that clients which build stubs by reflection (spacectl and
 * Cloudforet's python-core, grpcurl, Postman, Evans) can call every service.
 *
 * list_services names the services the server exposes (the reflection service itself is left
 * out, as Cloudforet's servers do: its two versions share a short name, and spacectl finds
 * services by short name), and only the files those services need, and the reflection protos,
 * can be asked for.
 */
export class ServerReflection {
  private readonly index: DescriptorIndex;

  constructor(
    readonly services: string[],
    descriptorSet: Uint8Array = readDescriptorSet(),
  ) {
    const serviceFiles = DescriptorIndex.filesDeclaring(descriptorSet, services);
    this.index = DescriptorIndex.of(descriptorSet, [...new Set([...serviceFiles, ...REFLECTION_FILES])]);
  }

  addToServer(server: grpc.Server): void {
    const handler = (call: grpc.ServerDuplexStream<Request, Response>) => this.serve(call);
    server.addService(reflectionV1.ServerReflectionService, { serverReflectionInfo: handler });
    server.addService(reflectionV1alpha.ServerReflectionService, { serverReflectionInfo: handler });
  }

  private serve(call: grpc.ServerDuplexStream<Request, Response>): void {
    // files this stream has carried: imports are sent once per stream, the file asked for always
    const sent = new Set<string>();
    call.on('data', (request: Request) => call.write(this.answer(request, sent)));
    call.on('end', () => call.end());
    call.on('error', () => undefined);
  }

  /** The answer to one request of a reflection stream. */
  answer(request: Request, sent: Set<string> = new Set()): Response {
    const response: Response = { valid_host: request.host, original_request: request };
    if (request.list_services !== undefined) {
      return { ...response, list_services_response: { service: this.services.map((name) => ({ name })) } };
    }
    if (request.file_by_filename !== undefined) {
      return this.files(response, this.index.fileByName(request.file_by_filename), sent, `File not found: ${request.file_by_filename}`);
    }
    if (request.file_containing_symbol !== undefined) {
      const symbol = request.file_containing_symbol;
      return this.files(response, this.index.fileContainingSymbol(symbol), sent, `Symbol not found: ${symbol}`);
    }
    if (request.file_containing_extension !== undefined) {
      const { containing_type, extension_number } = request.file_containing_extension;
      const file = this.index.fileContainingExtension(containing_type, extension_number);
      return this.files(response, file, sent, `Extension not found: ${containing_type} field ${extension_number}`);
    }
    if (request.all_extension_numbers_of_type !== undefined) {
      const type = request.all_extension_numbers_of_type.replace(/^\./, '');
      const numbers = this.index.extensionNumbersOf(type);
      if (!numbers) return error(response, grpc.status.NOT_FOUND, `Type not found: ${type}`);
      return { ...response, all_extension_numbers_response: { base_type_name: type, extension_number: numbers } };
    }
    return error(response, grpc.status.INVALID_ARGUMENT, 'The request names no reflection query');
  }

  private files(response: Response, file: IndexedFile | undefined, sent: Set<string>, notFound: string): Response {
    if (!file) return error(response, grpc.status.NOT_FOUND, notFound);
    const files = this.index.withDependencies(file).filter((each) => each === file || !sent.has(each.name));
    for (const each of files) sent.add(each.name);
    return { ...response, file_descriptor_response: { file_descriptor_proto: files.map((each) => each.bytes) } };
  }
}

function error(response: Response, code: grpc.status, message: string): Response {
  return { ...response, error_response: { error_code: code, error_message: message } };
}
