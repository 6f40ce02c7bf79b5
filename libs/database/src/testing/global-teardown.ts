import { rmSync } from 'node:fs';
import type { EmbeddedPostgresHandle } from '../embedded-postgres';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>)['__embeddedTestPostgres'] as
    | { server: EmbeddedPostgresHandle; dataDir: string }
    | undefined;
  if (!state) return;
  await state.server.stop();
  rmSync(state.dataDir, { recursive: true, force: true });
}
