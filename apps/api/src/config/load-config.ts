import { z } from 'zod';

export class ConfigError extends Error {}

/**
 * Reads one module's variables from the environment through its own zod schema.
 * A wrong or missing variable stops the process with a message naming it.
 */
export function loadConfig<S extends z.ZodObject>(moduleName: string, schema: S, env = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.') || '(racine)'}: ${i.message}`);
  throw new ConfigError(`Configuration invalide (${moduleName}):\n${lines.join('\n')}`);
}
