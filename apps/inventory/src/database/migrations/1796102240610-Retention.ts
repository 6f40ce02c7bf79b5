import { MigrationInterface, QueryRunner } from 'typeorm';

export class Retention1796102240610 implements MigrationInterface {
  name = 'Retention1796102240610';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "retention_run" ("name" text NOT NULL, "last_started_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, "last_owner" text NOT NULL, "last_removed" jsonb NOT NULL, CONSTRAINT "PK_58e9cc4c5a59cc96e3176bc2063" PRIMARY KEY ("name"))`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" ADD "state" text NOT NULL DEFAULT 'ACTIVE'`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "region" ADD "state" text NOT NULL DEFAULT 'ACTIVE'`);
    await queryRunner.query(`ALTER TABLE "region" ADD "deleted_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_deleted" ON "cloud_service"  ("deleted_at") WHERE state = 'DELETED'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_deleted"`);
    await queryRunner.query(`ALTER TABLE "region" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`ALTER TABLE "region" DROP COLUMN "state"`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" DROP COLUMN "deleted_at"`);
    await queryRunner.query(`ALTER TABLE "cloud_service_type" DROP COLUMN "state"`);
    await queryRunner.query(`DROP TABLE "retention_run"`);
  }
}
