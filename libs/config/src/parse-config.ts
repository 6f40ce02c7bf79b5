import { z } from 'zod';

/**
 * Reads configuration from the environment once, at boot, and fails fast with a message that
 * names every variable that is wrong.
 */
export function parseConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}

/** An integer from an environment string, within bounds. */
export function envInt(defaultValue: number, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return z.coerce.number().int().min(min).max(max).default(defaultValue);
}

/** A host:port listen address. */
export function envAddress(defaultValue: string) {
  return z
    .string()
    .regex(/^[^\s:]+:\d{1,5}$/, 'expected host:port')
    .default(defaultValue);
}

export function envBool(defaultValue: boolean) {
  return z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(defaultValue ? 'true' : 'false')
    .transform((value) => value === 'true' || value === '1' || value === 'yes');
}
