import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Change records take their ids from a sequence (change-history.sql.ts's NEW_RECORD_ID): a batch's
 * records go to the right edge of the primary key's btree instead of a random page each. The
 * sequence starts at a random point below 2^44, so ids of different installations do not line up.
 */
export class OrderedRecordIds1796130000000 implements MigrationInterface {
  name = 'OrderedRecordIds1796130000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DO $$ BEGIN EXECUTE format('CREATE SEQUENCE "change_record_id_seq" AS bigint START %s CACHE 100', 1 + floor(random() * 2^44)::bigint); END $$`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SEQUENCE "change_record_id_seq"`);
  }
}
