import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { compileSearch, runSearch } from '@cloud-inventory/query';
import { createMigratedDatabase, MigratedDatabase } from '../testing/migrated-database';
import { CloudServiceTypeEntity } from './cloud-service-type.entity';
import { CloudServiceEntity } from './cloud-service.entity';
import { MetricEntity } from './metric.entity';
import { NamespaceEntity } from './namespace.entity';
import { RegionEntity } from './region.entity';
import { ColumnSqlType } from './resource-kind';
import { KIND_OF_TYPE, RESOURCE_KINDS, RESOURCE_TYPE_OF_KIND, ResourceKind } from './resource-kinds';

/** The entity of each kind: kept as a class (TypeORM, migrations), checked against the declaration here. */
const ENTITY_OF_KIND: Record<ResourceKind, EntityTarget<ObjectLiteral>> = {
  cloud_service: CloudServiceEntity,
  cloud_service_type: CloudServiceTypeEntity,
  region: RegionEntity,
  namespace: NamespaceEntity,
  metric: MetricEntity,
};

/** TypeORM's column types (as the entities write them) and PostgreSQL's (information_schema), as a declaration's. */
const FROM_ENTITY: Record<string, ColumnSqlType> = {
  text: 'text',
  'double precision': 'float8',
  int: 'int',
  boolean: 'boolean',
  jsonb: 'jsonb',
  timestamptz: 'timestamptz',
};
const FROM_POSTGRES: Record<string, ColumnSqlType> = {
  text: 'text',
  'double precision': 'float8',
  integer: 'int',
  boolean: 'boolean',
  jsonb: 'jsonb',
  'timestamp with time zone': 'timestamptz',
  ARRAY: 'text[]',
};

interface Described {
  sql: ColumnSqlType | string;
  nullable: boolean;
}

function declared(kind: (typeof RESOURCE_KINDS)[number]): Record<string, Described> {
  return Object.fromEntries(Object.entries(kind.allColumns).map(([name, column]) => [name, { sql: column.sql, nullable: column.nullable ?? false }]));
}

describe('resource kinds: each declared once, and the entities and tables agree with the declaration', () => {
  let db: MigratedDatabase;

  beforeAll(async () => {
    db = await createMigratedDatabase();
  });

  afterAll(() => db.close());

  it('has an entity for every kind, and resource types that map to kinds and back', () => {
    expect(Object.keys(ENTITY_OF_KIND).sort()).toEqual(RESOURCE_KINDS.map((kind) => kind.kind).sort());
    for (const kind of RESOURCE_KINDS) {
      expect(KIND_OF_TYPE.get(RESOURCE_TYPE_OF_KIND[kind.kind])).toBe(kind.kind);
    }
    expect(KIND_OF_TYPE.size).toBe(RESOURCE_KINDS.length);
  });

  it.each(RESOURCE_KINDS.map((kind) => [kind.kind, kind] as const))('%s: the entity has exactly the declared columns, types and nullability', (_, kind) => {
    const metadata = db.dataSource.getMetadata(ENTITY_OF_KIND[kind.kind]);
    expect(metadata.tableName).toBe(kind.table);
    // a kind keyed by the plugin's own id is unique per domain (Cloudforet's), so its key has domain_id too
    const primaryKey = kind.byIdAndVersion ? [kind.idColumn, 'domain_id'] : [kind.idColumn];
    expect(metadata.primaryColumns.map((column) => column.databaseName).sort()).toEqual(primaryKey.sort());
    const fromEntity = Object.fromEntries(
      metadata.columns.map((column) => {
        const type = typeof column.type === 'string' ? column.type : String(column.type);
        const sql = column.isArray && type === 'text' ? 'text[]' : (FROM_ENTITY[type] ?? type);
        return [column.databaseName, { sql, nullable: column.isNullable }];
      }),
    );
    expect(fromEntity).toEqual(declared(kind));
  });

  it.each(RESOURCE_KINDS.map((kind) => [kind.kind, kind] as const))('%s: the migrated table has exactly the declared columns', async (_, kind) => {
    const rows: { column_name: string; data_type: string; is_nullable: string }[] = await db.dataSource.query(
      `SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1`,
      [kind.table],
    );
    const fromTable = Object.fromEntries(rows.map((row) => [row.column_name, { sql: FROM_POSTGRES[row.data_type] ?? row.data_type, nullable: row.is_nullable === 'YES' }]));
    expect(fromTable).toEqual(declared(kind));
  });

  it.each(RESOURCE_KINDS.map((kind) => [kind.kind, kind] as const))('%s: the query schema runs against the table, every field selected', async (_, kind) => {
    await db.dataSource.query(
      `INSERT INTO ${kind.table} (${kind.idColumn}, domain_id, workspace_id, identity_key, ${kind.payload
        .filter((column) => column.type === 'text')
        .map((column) => `"${column.name}"`)
        .join(', ')})
       VALUES ('${kind.idPrefix}-000000000001', 'domain-kinds', 'ws-1', 'identity-1', ${kind.payload
         .filter((column) => column.type === 'text')
         .map(() => `'x'`)
         .join(', ')})`,
    );
    const result = await runSearch(
      { query: (text, values) => db.dataSource.query(text, values as unknown[]) },
      compileSearch(kind.querySchema, {}, { domain_id: 'domain-kinds' }),
    );
    expect(result.total_count).toBe(1);
    const keys = [...kind.querySchema.fields.values()].filter((field) => field.inResults).map((field) => field.key.split('.')[0]);
    expect(Object.keys(result.results[0]).sort()).toEqual([...new Set(keys)].sort());
  });

  it('reads a resource into exactly its payload columns, and refuses a missing required field', () => {
    for (const kind of RESOURCE_KINDS) {
      // fields with a closed set of values, or required objects, get one they accept
      const valid: Record<string, unknown> = { category: 'ASSET', metric_type: 'GAUGE', query_options: {} };
      const resource = Object.fromEntries(kind.payload.map((column) => [column.name, valid[column.name] ?? (column.type === 'text' ? 'x' : undefined)]));
      expect(Object.keys(kind.readRow(resource))).toEqual(kind.payload.map((column) => column.name));
      expect(() => kind.readRow({})).toThrow(/Required parameter is missing/);
    }
  });
});
