import { MigrationInterface, QueryRunner } from 'typeorm';

export class IngestFastPath1795653026592 implements MigrationInterface {
  name = 'IngestFastPath1795653026592';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_type_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_region_identity"`);
    await queryRunner.query(`ALTER TABLE "cloud_service" ADD "collected_by_job" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_type_identity" ON "cloud_service_type"  ("identity_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_identity" ON "cloud_service"  ("identity_key") WHERE state <> 'DELETED'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_region_identity" ON "region"  ("identity_key") `);
    // TypeORM does not compare an index's WHERE clause, so the partial GIN indexes are written by hand
    for (const [table, index] of [
      ['cloud_service', 'IDX_cloud_service_secondary_keys'],
      ['cloud_service_type', 'IDX_cloud_service_type_secondary_keys'],
      ['region', 'IDX_region_secondary_keys'],
    ]) {
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
      await queryRunner.query(`CREATE INDEX "${index}" ON "${table}" USING gin ("secondary_keys") WHERE cardinality(secondary_keys) > 0`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_region_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_type_identity"`);
    await queryRunner.query(`ALTER TABLE "cloud_service" DROP COLUMN "collected_by_job"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_region_identity" ON "region" USING btree ("domain_id", "identity_key", "workspace_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_identity" ON "cloud_service" USING btree ("domain_id", "identity_key", "workspace_id") WHERE (state <> 'DELETED'::text)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_type_identity" ON "cloud_service_type" USING btree ("domain_id", "identity_key", "workspace_id") `);
    for (const [table, index] of [
      ['cloud_service', 'IDX_cloud_service_secondary_keys'],
      ['cloud_service_type', 'IDX_cloud_service_type_secondary_keys'],
      ['region', 'IDX_region_secondary_keys'],
    ]) {
      await queryRunner.query(`DROP INDEX "public"."${index}"`);
      await queryRunner.query(`CREATE INDEX "${index}" ON "${table}" USING gin ("secondary_keys")`);
    }
  }
}
