import { Injectable, PipeTransform } from '@nestjs/common';
import { requestTags } from './writer-scope';

/**
 * HTTP bodies may give `tags` as Cloudforet's list of {key, value}, which a Struct field cannot
 * carry: turned into the dict before the body is checked against the .proto message. (gRPC clients
 * send the dict; the message has no room for the list.)
 */
@Injectable()
export class TagsListBodyPipe implements PipeTransform {
  transform(value: unknown): unknown {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const body = value as Record<string, unknown>;
    return Array.isArray(body['tags']) ? { ...body, tags: requestTags(body['tags']) } : body;
  }
}

export const TAGS_LIST_BODY = new TagsListBodyPipe();
