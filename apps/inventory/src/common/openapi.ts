import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import * as protobuf from 'protobufjs';
import { OPENAPI_EXAMPLES } from './openapi-examples';
import { HttpBinding, protoHttpBindings } from './proto-http-bindings';

type Schema = Record<string, unknown>;

export const OPENAPI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs-json';

const ERROR_SCHEMA = 'ErrorResponse';

const INTEGER_FORMATS: Record<string, string> = {
  int32: 'int32',
  sint32: 'int32',
  sfixed32: 'int32',
  uint32: 'int32',
  fixed32: 'int32',
  int64: 'int64',
  sint64: 'int64',
  sfixed64: 'int64',
  uint64: 'int64',
  fixed64: 'int64',
};

function componentName(type: protobuf.Type | protobuf.Enum): string {
  return type.fullName.replace(/^\./, '');
}

/** JSON Schemas of proto messages, as the HTTP API reads and writes them (field names as in the .proto). */
class ProtoSchemas {
  readonly components: Record<string, Schema> = {};

  ref(type: protobuf.Type): Schema {
    switch (type.fullName) {
      case '.google.protobuf.Struct':
        return { type: 'object', additionalProperties: true };
      case '.google.protobuf.ListValue':
        return { type: 'array', items: {} };
      case '.google.protobuf.Value':
        return { description: 'any JSON value' };
      case '.google.protobuf.Empty':
        return { type: 'object', properties: {} };
    }
    const name = componentName(type);
    if (!this.components[name]) {
      this.components[name] = {}; // placeholder first: messages may refer to themselves
      this.components[name] = this.messageSchema(type);
    }
    return { $ref: `#/components/schemas/${name}` };
  }

  private messageSchema(type: protobuf.Type): Schema {
    const properties: Record<string, Schema> = {};
    for (const field of type.fieldsArray) {
      field.resolve();
      const single = this.fieldSchema(field);
      const schema = field.repeated ? { type: 'array', items: single } : field.map ? { type: 'object', additionalProperties: single } : single;
      const oneof = field.partOf ? `One of ${field.partOf.fieldsArray.map((f) => f.name).join(' | ')}.` : undefined;
      properties[field.name] = oneof ? { ...schema, description: oneof } : schema;
    }
    const comment = type.comment ? { description: type.comment } : {};
    return { type: 'object', ...comment, properties, additionalProperties: false };
  }

  private fieldSchema(field: protobuf.Field): Schema {
    const resolved = field.resolvedType;
    if (resolved instanceof protobuf.Enum) return { type: 'string', enum: Object.keys(resolved.values) };
    if (resolved instanceof protobuf.Type) return this.ref(resolved);
    if (field.type === 'string') return { type: 'string' };
    if (field.type === 'bool') return { type: 'boolean' };
    if (field.type === 'bytes') return { type: 'string', format: 'byte' };
    if (field.type === 'double' || field.type === 'float') return { type: 'number', format: field.type };
    if (INTEGER_FORMATS[field.type]) return { type: 'integer', format: INTEGER_FORMATS[field.type] };
    return {};
  }

  /** A message's scalar and enum fields as query parameters (GET routes: google.api.http without body). */
  queryParameters(type: protobuf.Type): Schema[] {
    return type.fieldsArray
      .filter((field) => !field.repeated && !(field.resolvedType instanceof protobuf.Type))
      .map((field) => ({ name: field.name, in: 'query', required: false, schema: this.fieldSchema(field) }));
  }
}

function errorResponses(): Record<string, Schema> {
  const response = (description: string) => ({
    description,
    content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR_SCHEMA}` } } },
  });
  return {
    '400': response('INVALID_ARGUMENT: a malformed body, a missing parameter, or a query the compiler refuses (ERROR_DB_QUERY, ERROR_INVALID_PARAMETER, ...)'),
    '401': response('UNAUTHENTICATED (ERROR_AUTHENTICATE_FAILURE): no token, or one that cannot be verified'),
    '403': response("PERMISSION_DENIED: the token's role may not call this RPC (README: Tokens and roles)"),
    '404': response('NOT_FOUND, or access is denied'),
    '500': response('INTERNAL: an unexpected error; error_id is in the log'),
  };
}

function operationFor(binding: HttpBinding, schemas: ProtoSchemas, existing: Schema): Schema {
  const rpc = `${binding.service}.${binding.method}`;
  const examples = OPENAPI_EXAMPLES[rpc];
  const requestName = componentName(binding.requestType);
  const operation: Schema = {
    ...existing,
    operationId: binding.additional ? `${binding.service}_${binding.method}_${binding.verb}_${binding.path.replace(/[^A-Za-z0-9]+/g, '_')}` : `${binding.service}_${binding.method}`,
    summary: `${rpc}${binding.additional ? ' (older route)' : ''}`,
    description:
      `gRPC \`/${binding.requestType.parent?.fullName.replace(/^\./, '') ?? ''}.${binding.service}/${binding.method}\`: ` +
      `\`${requestName}\` → \`${componentName(binding.responseType)}\`.` +
      " Needs a token (`Authorization: Bearer`); scoped by the token's domain and workspace (a system token's by `x-domain-id` / `x-workspace-id`).",
    tags: [binding.service],
    responses: {
      '200': {
        description: componentName(binding.responseType),
        content: {
          'application/json': {
            schema: schemas.ref(binding.responseType),
            ...(examples?.response ? { examples: examples.response } : {}),
          },
        },
      },
      ...errorResponses(),
    },
  };
  if (binding.body === undefined) {
    operation['parameters'] = schemas.queryParameters(binding.requestType);
    delete operation['requestBody'];
  } else {
    operation['parameters'] = [];
    operation['requestBody'] = {
      required: true,
      content: {
        'application/json': {
          schema: schemas.ref(binding.requestType),
          ...(examples?.request ? { examples: examples.request } : {}),
        },
      },
    };
  }
  return operation;
}

/**
 * The OpenAPI document of the HTTP API: the routes Nest serves, each described from the .proto
 * contract (the google.api.http binding that declares it: request and response messages as JSON
 * Schemas, the gRPC method, examples from the seeds). A route with no binding keeps what Nest knows.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('cloud-inventory HTTP API')
    .setDescription(
      "Cloudforet's inventory v1 and secret v1 APIs over HTTP: `POST /<service>/v1/<resource>/<verb>` with the request message as " +
        'the JSON body (field names as in the .proto), plus the older Job routes. list/stat/analyze take Cloudforet\'s query ' +
        'objects (Query, StatisticsQuery, AnalyzeQuery). Errors are `{"code": "ERROR_…", "message": "…"}`.',
    )
    .setVersion('v1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "Cloudforet's access or system token" })
    .addSecurityRequirements('bearer')
    .addGlobalParameters(
      { name: 'x-domain-id', in: 'header', required: false, schema: { type: 'string' }, description: 'With a system token: the domain it acts for' },
      { name: 'x-workspace-id', in: 'header', required: false, schema: { type: 'string' }, description: 'With a system token: the workspace it acts for' },
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  const schemas = new ProtoSchemas();
  const bindings = new Map(protoHttpBindings().map((binding) => [`${binding.verb} ${binding.path}`, binding]));
  for (const [path, item] of Object.entries(document.paths)) {
    for (const verb of ['get', 'post', 'put', 'patch', 'delete'] as const) {
      const operation = (item as Record<string, Schema | undefined>)[verb];
      const binding = bindings.get(`${verb} ${path}`);
      if (operation && binding) (item as Record<string, Schema>)[verb] = operationFor(binding, schemas, operation);
    }
  }
  document.components = {
    ...document.components,
    schemas: {
      ...(document.components?.schemas ?? {}),
      ...schemas.components,
      [ERROR_SCHEMA]: {
        type: 'object',
        properties: {
          code: { type: 'string', example: 'ERROR_DB_QUERY' },
          message: { type: 'string', example: 'Query is invalid. (reason = Filter operator is not supported.)' },
          error_id: { type: 'string', description: 'only for INTERNAL errors; the same id is in the log' },
        },
        required: ['code', 'message'],
      },
    } as NonNullable<OpenAPIObject['components']>['schemas'],
  };
  return document;
}

/** Serves the document: the UI at /docs, the JSON at /docs-json. */
export function setupOpenApi(app: INestApplication): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(OPENAPI_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
  });
}
