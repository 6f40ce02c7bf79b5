import { MigrationInterface, QueryRunner } from 'typeorm';

export class SchedulesAndRetention1796110865103 implements MigrationInterface {
  name = 'SchedulesAndRetention1796110865103';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "retention_run" ("name" text NOT NULL, "last_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_owner" text NOT NULL, "last_removed" jsonb NOT NULL, CONSTRAINT "PK_58e9cc4c5a59cc96e3176bc2063" PRIMARY KEY ("name"))`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" ADD "state" text NOT NULL DEFAULT 'ACTIVE'`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "region" ADD "state" text NOT NULL DEFAULT 'ACTIVE'`);
    await queryRunner.query(`ALTER TABLE "region" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "job" ADD "trigger" text NOT NULL DEFAULT 'API'`);
    await queryRunner.query(`ALTER TABLE "job" ADD "scheduled_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_planned" jsonb`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_next_run_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_claimed_by" text`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_claim_expires_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_last_run_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_last_job_id" text`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_skipped_count" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_last_skipped_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "schedule_last_error" text`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_deleted" ON "cloud_service"  ("deleted_at") WHERE state = 'DELETED'`);
    await queryRunner.query(`CREATE INDEX "IDX_job_created" ON "job"  ("created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_job_schedule_slot" ON "job"  ("collector_id", "scheduled_at") WHERE scheduled_at IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_collector_schedule_due" ON "collector"  ("schedule_next_run_at") WHERE schedule_next_run_at IS NOT NULL`);
    await queryRunner.query(`ALTER TABLE "job" ADD CONSTRAINT "CHK_job_trigger" CHECK (trigger IN ('API', 'SCHEDULE'))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job" DROP CONSTRAINT "CHK_job_trigger"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_collector_schedule_due"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_job_schedule_slot"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_created"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_deleted"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_last_error"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_last_skipped_at"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_skipped_count"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_last_job_id"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_last_run_at"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_claim_expires_at"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_claimed_by"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_next_run_at"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "schedule_planned"`);
    await queryRunner.query(`ALTER TABLE "job" DROP COLUMN "scheduled_at"`);
    await queryRunner.query(`ALTER TABLE "job" DROP COLUMN "trigger"`);
    await queryRunner.query(`ALTER TABLE "region" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`ALTER TABLE "region" DROP COLUMN "state"`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" DROP COLUMN "state"`);
    await queryRunner.query(`DROP TABLE "retention_run"`);
  }
}
