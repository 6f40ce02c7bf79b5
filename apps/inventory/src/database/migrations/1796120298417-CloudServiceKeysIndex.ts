import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One narrow btree on the keys users filter and group cloud services by, replacing
 * (domain_id, provider, cloud_service_group, cloud_service_type): a list's total_count and a stat
 * over these keys become index-only scans of a few MB (the keys repeat, so btree deduplication keeps
 * one entry per distinct combination) instead of reading the 2 GB table. Index-only scans need an
 * up-to-date visibility map: vacuum (and analyze) the table once 5% of it is new or changed, not PostgreSQL's 20%.
 */
export class CloudServiceKeysIndex1796120298417 implements MigrationInterface {
  name = 'CloudServiceKeysIndex1796120298417';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_domain_type"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_cloud_service_domain_keys" ON "cloud_service"  ("domain_id", "cloud_service_group", "region_code", "provider", "cloud_service_type", "account", "state", "workspace_id", "project_id") `,
    );
    // by hand (TypeORM does not model these): per-table autovacuum and correlated-column statistics
    await queryRunner.query(
      `ALTER TABLE "cloud_service" SET (autovacuum_vacuum_insert_scale_factor = 0.05, autovacuum_vacuum_scale_factor = 0.05, autovacuum_analyze_scale_factor = 0.05)`,
    );
    await queryRunner.query(
      `CREATE STATISTICS "STX_cloud_service_kind" (ndistinct, dependencies) ON "provider", "cloud_service_group", "cloud_service_type", "region_code" FROM "cloud_service"`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP STATISTICS "public"."STX_cloud_service_kind"`);
    await queryRunner.query(
      `ALTER TABLE "cloud_service" RESET (autovacuum_vacuum_insert_scale_factor, autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_domain_keys"`);
    await queryRunner.query(
      `CREATE INDEX "IDX_cloud_service_domain_type" ON "cloud_service"  ("domain_id", "provider", "cloud_service_group", "cloud_service_type") `,
    );
  }
}
