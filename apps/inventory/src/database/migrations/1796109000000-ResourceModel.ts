import { MigrationInterface, QueryRunner } from 'typeorm';

export class ResourceModel1796109000000 implements MigrationInterface {
  name = 'ResourceModel1796109000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_type_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_region_identity"`);
    await queryRunner.query(`CREATE TABLE "change_record" ("record_id" text NOT NULL, "cloud_service_id" text NOT NULL, "domain_id" text NOT NULL, "action" text NOT NULL, "diff" jsonb, "diff_count" integer, "created_with" jsonb, "updated_by" text NOT NULL, "collector_id" text NOT NULL DEFAULT '', "job_id" text NOT NULL DEFAULT '', "user_id" text NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_137dfc83698d667ee8f7d4e0b74" PRIMARY KEY ("record_id"))`);
    await queryRunner.query(`CREATE INDEX "IDX_change_record_cloud_service" ON "change_record"  ("cloud_service_id", "created_at") `);
    // change_record_diff(before, after): Cloudforet's _make_diff over two documents of DIFF_KEYS
    // (cloud-service/change-history.sql.ts). Objects are walked down to three levels, only where the
    // two sides differ; deeper values, lists and scalars are compared whole. Empty values ('', [], {},
    // null) count as absent. A leaf's before/after is text: strings as they are, lists sorted (a
    // reordered list is no change), other values as JSON. Types: ADDED, CHANGED, DELETED.
    await queryRunner.query(`CREATE FUNCTION change_record_diff_walk(path text, depth int, before jsonb, after jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  entries jsonb := '[]';
  key text;
  before_object boolean := jsonb_typeof(before) = 'object';
  after_object boolean := jsonb_typeof(after) = 'object';
  before_text text;
  after_text text;
BEGIN
  IF depth < 3 AND (before_object OR after_object)
     AND (before_object OR before IS NULL OR before IN ('null', '""', '[]'))
     AND (after_object OR after IS NULL OR after IN ('null', '""', '[]')) THEN
    FOR key IN SELECT jsonb_object_keys(CASE WHEN before_object THEN before ELSE '{}' END || CASE WHEN after_object THEN after ELSE '{}' END) LOOP
      IF (before -> key) IS DISTINCT FROM (after -> key) THEN
        entries := entries || change_record_diff_walk(path || '.' || key, depth + 1, before -> key, after -> key);
      END IF;
    END LOOP;
    RETURN entries;
  END IF;
  before_text := CASE WHEN before IS NULL OR before IN ('null', '""', '[]', '{}') THEN NULL
                      WHEN jsonb_typeof(before) = 'string' THEN before #>> '{}'
                      WHEN jsonb_typeof(before) = 'array' THEN (SELECT jsonb_agg(e ORDER BY e)::text FROM jsonb_array_elements(before) AS e)
                      ELSE before::text END;
  after_text := CASE WHEN after IS NULL OR after IN ('null', '""', '[]', '{}') THEN NULL
                     WHEN jsonb_typeof(after) = 'string' THEN after #>> '{}'
                     WHEN jsonb_typeof(after) = 'array' THEN (SELECT jsonb_agg(e ORDER BY e)::text FROM jsonb_array_elements(after) AS e)
                     ELSE after::text END;
  IF before_text IS NOT DISTINCT FROM after_text THEN
    RETURN entries;
  END IF;
  RETURN jsonb_build_array(jsonb_build_object(
    'key', path, 'before', before_text, 'after', after_text,
    'type', CASE WHEN before_text IS NULL THEN 'ADDED' WHEN after_text IS NULL THEN 'DELETED' ELSE 'CHANGED' END));
END $fn$`);
    await queryRunner.query(`CREATE FUNCTION change_record_diff(before jsonb, after jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  entries jsonb := '[]';
  key text;
BEGIN
  FOREACH key IN ARRAY ARRAY['name', 'ip_addresses', 'account', 'instance_type', 'instance_size', 'reference', 'region_code', 'project_id', 'data', 'tags'] LOOP
    IF (before -> key) IS DISTINCT FROM (after -> key) THEN
      entries := entries || change_record_diff_walk(key, 1, before -> key, after -> key);
    END IF;
  END LOOP;
  RETURN entries;
END $fn$`);
    await queryRunner.query(`CREATE INDEX "IDX_cloud_service_type_identity" ON "cloud_service_type"  ("identity_key") `);
    // by hand: a type or region stored twice under different match rules keeps its latest row
    await queryRunner.query(`DELETE FROM "cloud_service_type" a USING "cloud_service_type" b
      WHERE a.domain_id = b.domain_id AND a.workspace_id = b.workspace_id AND a.provider = b.provider AND a."group" = b."group" AND a.name = b.name
        AND (a.updated_at, a.cloud_service_type_id) < (b.updated_at, b.cloud_service_type_id)`);
    await queryRunner.query(`DELETE FROM "region" a USING "region" b
      WHERE a.domain_id = b.domain_id AND a.workspace_id = b.workspace_id AND a.provider = b.provider AND a.region_code = b.region_code
        AND (a.updated_at, a.region_id) < (b.updated_at, b.region_id)`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_type_natural" ON "cloud_service_type"  ("domain_id", "workspace_id", "provider", "group", "name") `);
    await queryRunner.query(`CREATE INDEX "IDX_region_identity" ON "region"  ("identity_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_region_natural" ON "region"  ("domain_id", "workspace_id", "provider", "region_code") `);
       // by hand: tags and metadata of cloud services are stored by provider, as CloudServiceInfo shows them
    await queryRunner.query(`UPDATE "cloud_service" SET tags = jsonb_build_object(provider, tags), metadata = jsonb_build_object(provider, metadata)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // every provider's bucket into one object (a key in two buckets keeps one value)
    await queryRunner.query(`UPDATE "cloud_service" SET
      tags = (SELECT COALESCE(jsonb_object_agg(t.key, t.value), '{}') FROM jsonb_each(tags) b, jsonb_each(CASE WHEN jsonb_typeof(b.value) = 'object' THEN b.value ELSE '{}' END) t),
      metadata = (SELECT COALESCE(jsonb_object_agg(t.key, t.value), '{}') FROM jsonb_each(metadata) b, jsonb_each(CASE WHEN jsonb_typeof(b.value) = 'object' THEN b.value ELSE '{}' END) t)`);
    await queryRunner.query(`DROP INDEX "public"."UQ_region_natural"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_region_identity"`);
    await queryRunner.query(`DROP INDEX "public"."UQ_cloud_service_type_natural"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_cloud_service_type_identity"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_change_record_cloud_service"`);
    await queryRunner.query(`DROP FUNCTION change_record_diff(jsonb, jsonb)`);
    await queryRunner.query(`DROP FUNCTION change_record_diff_walk(text, int, jsonb, jsonb)`);
    await queryRunner.query(`DROP TABLE "change_record"`);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_region_identity" ON "region" USING btree ("identity_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "UQ_cloud_service_type_identity" ON "cloud_service_type" USING btree ("identity_key") `);
  }
}
