import type { z } from 'zod';

/** One problem in an input, located by the path of the faulty field (e.g. patients[3].birthDate). */
export interface InputIssue {
  path: string;
  message: string;
}

/** Rejected input: every issue names the faulty field. The CLI turns it into exit code 2. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];
  constructor(issues: readonly InputIssue[]) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** ['patients', 3, 'birthDate'] → "patients[3].birthDate". */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

export function issuesFromZod(error: z.ZodError, prefix: readonly PropertyKey[] = []): InputIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/** Parses with a zod schema, throwing InputError with path-named messages. */
export function parseWith<S extends z.ZodType>(
  schema: S,
  input: unknown,
  prefix: readonly PropertyKey[] = [],
): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new InputError(issuesFromZod(result.error, prefix));
  return result.data;
}
