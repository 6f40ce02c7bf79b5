import { applyDecorators, HttpCode, Injectable, PipeTransform, Post } from '@nestjs/common';
import { ProtoJson } from '@cloud-inventory/grpc';

let shared: ProtoJson | undefined;

/** The .proto types of everything the inventory serves, loaded once per process. */
export function inventoryProtoJson(): ProtoJson {
  shared ??= ProtoJson.load(['inventoryV1', 'secretV1']);
  return shared;
}

/** Decodes and checks a JSON body against a request message of the .proto contract. */
@Injectable()
export class ProtoBodyPipe implements PipeTransform {
  constructor(private readonly typeName: string) {}

  transform(value: unknown): unknown {
    return inventoryProtoJson().decode(this.typeName, value);
  }
}

export function protoBody(typeName: string): ProtoBodyPipe {
  return new ProtoBodyPipe(typeName);
}

/** A Cloudforet-style RPC route: POST /<service>/v1/<resource>/<verb>, answering 200. */
export function RpcRoute(verb: string) {
  return applyDecorators(Post(verb), HttpCode(200));
}
