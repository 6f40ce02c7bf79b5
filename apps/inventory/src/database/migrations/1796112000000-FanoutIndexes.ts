import { MigrationInterface, QueryRunner } from 'typeorm';

/** Task endings and claims at fan-out scale (issue 11): see job-task.entity.ts and task-queue.entity.ts. */
export class FanoutIndexes1796112000000 implements MigrationInterface {
  name = 'FanoutIndexes1796112000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_claim"`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_claim" ON "task_queue" ("domain_id", "collector_id", "run_after", "created_at", "job_task_id") `);
    await queryRunner.query(`CREATE INDEX "IDX_job_task_job_unsucceeded" ON "job_task" ("job_id", "secret_id") WHERE status <> 'SUCCESS'`);
    await queryRunner.query(
      `CREATE TABLE "task_claim_turn" ("domain_id" text NOT NULL, "collector_id" text NOT NULL, "claimed_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_task_claim_turn" PRIMARY KEY ("domain_id", "collector_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "task_claim_turn"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_job_task_job_unsucceeded"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_task_queue_claim"`);
    await queryRunner.query(`CREATE INDEX "IDX_task_queue_claim" ON "task_queue" ("domain_id", "collector_id", "run_after", "created_at") `);
  }
}
