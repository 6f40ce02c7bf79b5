import { MigrationInterface, QueryRunner } from 'typeorm';

export class JobTrace1796106176843 implements MigrationInterface {
  name = 'JobTrace1796106176843';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "job_trace" ("job_id" text NOT NULL, "trace_parent" text NOT NULL, CONSTRAINT "PK_b6be765631e89c5b9e013cbe722" PRIMARY KEY ("job_id"))`);
    await queryRunner.query(`ALTER TABLE "job_trace" ADD CONSTRAINT "FK_job_trace_job" FOREIGN KEY ("job_id") REFERENCES "job"("job_id") ON DELETE CASCADE ON UPDATE NO ACTION`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "job_trace" DROP CONSTRAINT "FK_job_trace_job"`);
    await queryRunner.query(`DROP TABLE "job_trace"`);
  }
}
