/**
 * Generates a TypeORM migration from the difference between the entities and the schema the
 * committed migrations build, on a throwaway embedded PostgreSQL (or MIGRATION_DATABASE_URL).
 *
 *   npx nx run inventory:migration-generate --name=AddSomething
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres } from '@cloud-inventory/database';
import { createDataSource } from '../src/database/create-data-source';

function escape(query: string): string {
  return query.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
}

async function main() {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    throw new Error('Give the migration a PascalCase name: generate-migration.ts AddSomething');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'cinv-migrate-'));
  const server = process.env['MIGRATION_DATABASE_URL']
    ? undefined
    : await startEmbeddedPostgres({ dataDir, port: await freePort() });
  const dataSource = createDataSource({ url: process.env['MIGRATION_DATABASE_URL'] ?? server!.url, poolSize: 2 });
  try {
    await dataSource.initialize();
    await dataSource.runMigrations({ transaction: 'all' });
    const sql = await dataSource.driver.createSchemaBuilder().log();
    if (sql.upQueries.length === 0) {
      console.log('The entities match the migrations: nothing to generate.');
      return;
    }
    const timestamp = Date.now();
    const className = `${name}${timestamp}`;
    const up = sql.upQueries.map((q) => `    await queryRunner.query(\`${escape(q.query)}\`);`).join('\n');
    const down = sql.downQueries
      .reverse()
      .map((q) => `    await queryRunner.query(\`${escape(q.query)}\`);`)
      .join('\n');
    const file = join(__dirname, '../src/database/migrations', `${timestamp}-${name}.ts`);
    writeFileSync(
      file,
      `import { MigrationInterface, QueryRunner } from 'typeorm';\n\n` +
        `export class ${className} implements MigrationInterface {\n` +
        `  name = '${className}';\n\n` +
        `  async up(queryRunner: QueryRunner): Promise<void> {\n${up}\n  }\n\n` +
        `  async down(queryRunner: QueryRunner): Promise<void> {\n${down}\n  }\n}\n`,
    );
    console.log(`Wrote ${file}\nAdd ${className} to src/database/migrations/index.ts.`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
