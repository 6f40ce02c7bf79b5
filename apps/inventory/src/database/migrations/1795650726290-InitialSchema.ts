import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1795650726290 implements MigrationInterface {
  name = 'InitialSchema1795650726290';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "cloud_service_type" ("cloud_service_type_id" text NOT NULL, "name" text NOT NULL, "provider" text NOT NULL, "group" text NOT NULL, "service_code" text NOT NULL DEFAULT '', "is_primary" boolean NOT NULL DEFAULT false, "is_major" boolean NOT NULL DEFAULT false, "resource_type" text NOT NULL DEFAULT '', "metadata" jsonb NOT NULL DEFAULT '{}', "labels" jsonb NOT NULL DEFAULT '[]', "tags" jsonb NOT NULL DEFAULT '{}', "updated_by" text NOT NULL DEFAULT 'manual', "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "identity_key" text NOT NULL, "secondary_keys" text array NOT NULL DEFAULT '{}', "content_hash" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_411cca59ecc175bc3ef9dcc4e1b" PRIMARY KEY ("cloud_service_type_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_type_secondary_keys" ON "cloud_service_type" USING gin ("secondary_keys") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_type_identity" ON "cloud_service_type"  ("domain_id", "workspace_id", "identity_key") `);
    await queryRunner.query(`CREATE TABLE "cloud_service" ("cloud_service_id" text NOT NULL, "name" text NOT NULL DEFAULT '', "state" text NOT NULL DEFAULT 'ACTIVE', "account" text NOT NULL DEFAULT '', "instance_type" text NOT NULL DEFAULT '', "instance_size" double precision NOT NULL DEFAULT '0', "ip_addresses" jsonb NOT NULL DEFAULT '[]', "cloud_service_type" text NOT NULL, "cloud_service_group" text NOT NULL, "provider" text NOT NULL, "region_code" text NOT NULL DEFAULT '', "data" jsonb NOT NULL DEFAULT '{}', "metadata" jsonb NOT NULL DEFAULT '{}', "reference" jsonb NOT NULL DEFAULT '{}', "tags" jsonb NOT NULL DEFAULT '{}', "collector_id" text NOT NULL DEFAULT '', "secret_id" text NOT NULL DEFAULT '', "service_account_id" text NOT NULL DEFAULT '', "project_id" text NOT NULL DEFAULT '', "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "identity_key" text NOT NULL, "secondary_keys" text array NOT NULL DEFAULT '{}', "content_hash" text NOT NULL DEFAULT '', "disconnected_count" integer NOT NULL DEFAULT '0', "last_collected_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_303c29fd92af4ea47134241b711" PRIMARY KEY ("cloud_service_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_domain_type" ON "cloud_service"  ("domain_id", "provider", "cloud_service_group", "cloud_service_type") `);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_collection" ON "cloud_service"  ("collector_id", "secret_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_secondary_keys" ON "cloud_service" USING gin ("secondary_keys") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_identity" ON "cloud_service"  ("domain_id", "workspace_id", "identity_key") WHERE state <> 'DELETED'`);
    await queryRunner.query(`CREATE TABLE "region" ("region_id" text NOT NULL, "name" text NOT NULL DEFAULT '', "region_code" text NOT NULL, "provider" text NOT NULL, "tags" jsonb NOT NULL DEFAULT '{}', "updated_by" text NOT NULL DEFAULT 'manual', "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "identity_key" text NOT NULL, "secondary_keys" text array NOT NULL DEFAULT '{}', "content_hash" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_54bf2818af7cc627f2f81f091a6" PRIMARY KEY ("region_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_region_secondary_keys" ON "region" USING gin ("secondary_keys") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_region_identity" ON "region"  ("domain_id", "workspace_id", "identity_key") `);
    await queryRunner.query(`CREATE TABLE "collect_seen" ("job_id" text NOT NULL, "secret_id" text NOT NULL, "cloud_service_id" text NOT NULL, CONSTRAINT "PK_f0b411212f093ed9bc422e22877" PRIMARY KEY ("job_id", "secret_id", "cloud_service_id"))`);
    await queryRunner.query(`CREATE TABLE "job" ("job_id" text NOT NULL, "status" text NOT NULL DEFAULT 'IN_PROGRESS', "total_tasks" integer NOT NULL DEFAULT '0', "remained_tasks" integer NOT NULL DEFAULT '0', "success_tasks" integer NOT NULL DEFAULT '0', "failure_tasks" integer NOT NULL DEFAULT '0', "request_secret_id" text NOT NULL DEFAULT '', "request_workspace_id" text NOT NULL DEFAULT '', "resource_group" text NOT NULL, "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "collector_id" text NOT NULL, "plugin_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_job_status" CHECK (status IN ('IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'TIMEOUT')), CONSTRAINT "CHK_job_counters" CHECK (remained_tasks >= 0 AND success_tasks + failure_tasks + remained_tasks = total_tasks), CONSTRAINT "PK_25526336589e1d6f5b5d9c5b74b" PRIMARY KEY ("job_id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_job_running_per_collector" ON "job"  ("collector_id", "request_secret_id", "request_workspace_id") WHERE status = 'IN_PROGRESS'`);
    await queryRunner.query(`CREATE INDEX "IDX_job_domain_created" ON "job"  ("domain_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_domain_collector_status" ON "job"  ("domain_id", "collector_id", "status") `);
    await queryRunner.query(`CREATE TABLE "job_task" ("job_task_id" text NOT NULL, "job_id" text NOT NULL, "collector_id" text NOT NULL, "secret_id" text NOT NULL, "status" text NOT NULL DEFAULT 'PENDING', "provider" text NOT NULL DEFAULT '', "task_options" jsonb, "created_count" integer NOT NULL DEFAULT '0', "updated_count" integer NOT NULL DEFAULT '0', "failure_count" integer NOT NULL DEFAULT '0', "deleted_count" integer NOT NULL DEFAULT '0', "disconnected_count" integer NOT NULL DEFAULT '0', "errors" jsonb NOT NULL DEFAULT '[]', "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "project_id" text NOT NULL DEFAULT '', "service_account_id" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "started_at" TIMESTAMP WITH TIME ZONE, "finished_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "CHK_job_task_status" CHECK (status IN ('PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILURE', 'CANCELED', 'TIMEOUT')), CONSTRAINT "PK_d917e4f1b009afc618015c91fdf" PRIMARY KEY ("job_task_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_domain_collector_status" ON "job_task"  ("domain_id", "collector_id", "status") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_domain_created" ON "job_task"  ("domain_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_job" ON "job_task"  ("job_id", "secret_id") `);
    await queryRunner.query(`CREATE TABLE "task_queue" ("job_task_id" text NOT NULL, "run_after" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "lease_owner" text, "lease_expires_at" TIMESTAMP WITH TIME ZONE, "attempts" integer NOT NULL DEFAULT '0', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_70ee07fdd96b854b1b325842be8" PRIMARY KEY ("job_task_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_ready" ON "task_queue"  ("run_after", "lease_expires_at") `);
    await queryRunner.query(`CREATE TABLE "collector" ("collector_id" text NOT NULL, "name" text NOT NULL, "provider" text NOT NULL DEFAULT '', "capability" jsonb NOT NULL DEFAULT '{}', "plugin_id" text NOT NULL, "plugin_info" jsonb NOT NULL, "secret_filter" jsonb NOT NULL, "schedule" jsonb NOT NULL, "tags" jsonb NOT NULL DEFAULT '{}', "resource_group" text NOT NULL, "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_collected_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_2fcdbb8a8f930e55d7157c643bd" PRIMARY KEY ("collector_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_collector_domain_name" ON "collector"  ("domain_id", "name") `);
    await queryRunner.query(`CREATE INDEX "IDX_collector_domain_workspace" ON "collector"  ("domain_id", "workspace_id") `);
    await queryRunner.query(`CREATE TABLE "registered_plugin" ("plugin_id" text NOT NULL, "endpoint" text NOT NULL, "service_type" text NOT NULL, "name" text NOT NULL DEFAULT '', "version" text NOT NULL DEFAULT '', "tags" jsonb NOT NULL DEFAULT '{}', "registered_by" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_70d8140555ed99dd27ef55793d8" PRIMARY KEY ("plugin_id"))`);
    await queryRunner.query(`CREATE TABLE "secret" ("secret_id" text NOT NULL, "name" text NOT NULL, "state" text NOT NULL DEFAULT 'ENABLED', "schema_id" text NOT NULL DEFAULT '', "provider" text NOT NULL DEFAULT '', "tags" jsonb NOT NULL DEFAULT '{}', "encrypted_data" bytea NOT NULL, "resource_group" text NOT NULL, "domain_id" text NOT NULL, "workspace_id" text NOT NULL, "project_id" text NOT NULL DEFAULT '', "service_account_id" text NOT NULL DEFAULT '', "trusted_secret_id" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_5d47e67df23e000ecacf8c7b75b" PRIMARY KEY ("secret_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_secret_domain_workspace" ON "secret"  ("domain_id", "workspace_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_secret_domain_provider" ON "secret"  ("domain_id", "provider") `);
    await queryRunner.query(`ALTER TABLE "job_task" ADD CONSTRAINT "FK_job_task_job" FOREIGN KEY ("job_id") REFERENCES "job"("job_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "task_queue" ADD CONSTRAINT "FK_task_queue_job_task" FOREIGN KEY ("job_task_id") REFERENCES "job_task"("job_task_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "task_queue" DROP CONSTRAINT "FK_task_queue_job_task"`);
    await queryRunner.query(`ALTER TABLE "job_task" DROP CONSTRAINT "FK_job_task_job"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_secret_domain_provider"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_secret_domain_workspace"`);
    await queryRunner.query(`DROP TABLE "secret"`);
    await queryRunner.query(`DROP TABLE "registered_plugin"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_collector_domain_workspace"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_collector_domain_name"`);
    await queryRunner.query(`DROP TABLE "collector"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_ready"`);
    await queryRunner.query(`DROP TABLE "task_queue"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_job"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_domain_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_domain_collector_status"`);
    await queryRunner.query(`DROP TABLE "job_task"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_domain_collector_status"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_domain_created"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_job_running_per_collector"`);
    await queryRunner.query(`DROP TABLE "job"`);
    await queryRunner.query(`DROP TABLE "collect_seen"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_region_identity"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_region_secondary_keys"`);
    await queryRunner.query(`DROP TABLE "region"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_identity"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_secondary_keys"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_collection"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_domain_type"`);
    await queryRunner.query(`DROP TABLE "cloud_service"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_type_identity"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_type_secondary_keys"`);
    await queryRunner.query(`DROP TABLE "cloud_service_type"`);
  }
}
