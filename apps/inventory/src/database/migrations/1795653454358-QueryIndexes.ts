import { MigrationInterface, QueryRunner } from 'typeorm';

export class QueryIndexes1795653454358 implements MigrationInterface {
  name = 'QueryIndexes1795653454358';

  async up(queryRunner: QueryRunner): Promise<void> {
    // jsonb_path_ops (by hand; TypeORM does not compare operator classes): it serves the @? and @> tests
    // the query compiler writes for data.* / tags.* filters, and is smaller and cheaper to update than jsonb_ops
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_tags" ON "cloud_service" USING gin ("tags" jsonb_path_ops)`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_data" ON "cloud_service" USING gin ("data" jsonb_path_ops)`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_domain_created" ON "cloud_service"  ("domain_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_domain_workspace_created" ON "job"  ("domain_id", "workspace_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_domain_status_created" ON "job"  ("domain_id", "status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_domain_status_created" ON "job_task"  ("domain_id", "status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_domain_job_created" ON "job_task"  ("domain_id", "job_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_collector_domain_plugin" ON "collector"  ("domain_id", "plugin_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_collector_domain_plugin"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_domain_job_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_domain_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_domain_status_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_domain_workspace_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_domain_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_data"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_tags"`);
  }
}
