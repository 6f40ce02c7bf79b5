import { DataSource } from 'typeorm';
import { SecretCipher } from './secret-cipher';

const BATCH = 500;

export interface RotationResult {
  /** Secrets rewritten under the current key. */
  rotated: number;
  /** Secrets that already were. */
  current: number;
}

interface SecretRow {
  secret_id: string;
  domain_id: string;
  encrypted_data: Buffer;
}

/**
 * Re-encrypts every secret that is not under the cipher's current key and format (an older key of
 * SECRET_ENCRYPTION_PREVIOUS_KEYS, or the format before key ids), a batch at a time in key order:
 * one read and one update per batch. The update only replaces a ciphertext that is still the one
 * read, so a secret changed meanwhile through the API (already under the current key) is kept.
 * A secret no configured key opens stops the rotation with its id, before anything of its batch
 * is written.
 */
export async function rotateSecrets(dataSource: DataSource, cipher: SecretCipher): Promise<RotationResult> {
  const result: RotationResult = { rotated: 0, current: 0 };
  let after = '';
  for (;;) {
    const rows: SecretRow[] = await dataSource.query(
      `SELECT secret_id, domain_id, encrypted_data FROM secret WHERE secret_id > $1 ORDER BY secret_id LIMIT ${BATCH}`,
      [after],
    );
    if (rows.length === 0) return result;
    after = rows[rows.length - 1].secret_id;
    const stale = rows.filter((row) => !cipher.isCurrent(row.encrypted_data));
    result.current += rows.length - stale.length;
    if (stale.length === 0) continue;
    const rewritten = stale.map((row) => cipher.encrypt(row, cipher.decrypt(row, row.encrypted_data)));
    const [{ updated }]: Array<{ updated: number }> = await dataSource.query(
      `WITH rewritten AS (
         UPDATE secret s SET encrypted_data = v.next
           FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS v(secret_id, previous, next)
          WHERE s.secret_id = v.secret_id AND s.encrypted_data = v.previous
          RETURNING 1)
       SELECT count(*)::int AS updated FROM rewritten`,
      [stale.map((row) => row.secret_id), stale.map((row) => row.encrypted_data), rewritten],
    );
    result.rotated += updated;
  }
}
