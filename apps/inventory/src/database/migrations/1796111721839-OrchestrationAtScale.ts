import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrchestrationAtScale1796111721839 implements MigrationInterface {
  name = 'OrchestrationAtScale1796111721839';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_ready"`);
    await queryRunner.query(`CREATE TABLE "job_task_ending" ("ending_id" BIGSERIAL NOT NULL, "job_id" text NOT NULL, "job_task_id" text NOT NULL, "secret_id" text NOT NULL, "succeeded" boolean NOT NULL, "finished_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_c104561abdcf6a765cc82c1a55a" PRIMARY KEY ("ending_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_ending_job" ON "job_task_ending"  ("job_id") `);
    await queryRunner.query(`ALTER TABLE "collector" ADD "job_timeout" integer`);
    await queryRunner.query(`ALTER TABLE "collector" ADD "max_running_tasks" integer`);
    // by hand: existing rows get their values before the columns become NOT NULL (Cloudforet's 2 h for jobs already running)
    await queryRunner.query(`ALTER TABLE "job" ADD "deadline_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`UPDATE "job" SET "deadline_at" = "created_at" + interval '7200 seconds'`);
    await queryRunner.query(`ALTER TABLE "job" ALTER COLUMN "deadline_at" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "job" ALTER COLUMN "deadline_at" SET DEFAULT (now() + '02:00:00')`);
    await queryRunner.query(`ALTER TABLE "task_queue" ADD "job_id" text`);
    await queryRunner.query(`ALTER TABLE "task_queue" ADD "domain_id" text`);
    await queryRunner.query(`ALTER TABLE "task_queue" ADD "collector_id" text`);
    await queryRunner.query(`ALTER TABLE "task_queue" ADD "max_running" integer`);
    await queryRunner.query(
      `UPDATE "task_queue" q SET "job_id" = t."job_id", "domain_id" = t."domain_id", "collector_id" = t."collector_id" FROM "job_task" t WHERE t."job_task_id" = q."job_task_id"`,
    );
    await queryRunner.query(`ALTER TABLE "task_queue" ALTER COLUMN "job_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "task_queue" ALTER COLUMN "domain_id" SET NOT NULL`);
    await queryRunner.query(`ALTER TABLE "task_queue" ALTER COLUMN "collector_id" SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_job_running_deadline" ON "job"  ("deadline_at") WHERE status = 'IN_PROGRESS'`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_lease" ON "task_queue"  ("lease_expires_at") WHERE lease_owner IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_claim" ON "task_queue"  ("domain_id", "collector_id", "run_after", "created_at") `);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_job" ON "task_queue"  ("job_id") `);
    await queryRunner.query(`ALTER TABLE "job_task_ending" ADD CONSTRAINT "FK_job_task_ending_job" FOREIGN KEY ("job_id") REFERENCES "job"("job_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_task_ending" DROP CONSTRAINT "FK_job_task_ending_job"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_job"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_claim"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_lease"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_running_deadline"`);
    await queryRunner.query(`ALTER TABLE "task_queue" DROP COLUMN "max_running"`);
    await queryRunner.query(`ALTER TABLE "task_queue" DROP COLUMN "collector_id"`);
    await queryRunner.query(`ALTER TABLE "task_queue" DROP COLUMN "domain_id"`);
    await queryRunner.query(`ALTER TABLE "task_queue" DROP COLUMN "job_id"`);
    await queryRunner.query(`ALTER TABLE "job" DROP COLUMN "deadline_at"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "max_running_tasks"`);
    await queryRunner.query(`ALTER TABLE "collector" DROP COLUMN "job_timeout"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_ending_job"`);
    await queryRunner.query(`DROP TABLE "job_task_ending"`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_ready" ON "task_queue" USING btree ("lease_expires_at", "run_after") `);
  }
}
