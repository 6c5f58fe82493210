import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/**
 * Issue #9 §1 — no Docker engine runs on the CI machine, so the deployment files are checked
 * here: Dockerfile rules in the spirit of hadolint (not installable here), the compose file's
 * shape, and that the images start the very scripts the tests exercise.
 */
const ROOT = path.resolve(__dirname, '../../..');
const read = (p: string) => readFileSync(path.join(ROOT, p), 'utf8');

/** Source files of the API that read environment variables through `loadConfig()`. */
function configSources(dir = 'apps/api/src'): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return configSources(rel);
    return e.name.endsWith('.ts') &&
      !e.name.endsWith('.spec.ts') &&
      /\bloadConfig\(/.test(read(rel)) &&
      !rel.endsWith('config/load-config.ts')
      ? [rel]
      : [];
  });
}
const DOCKERFILES = ['docker/api.Dockerfile', 'docker/worker.Dockerfile', 'docker/admin.Dockerfile'];

describe('Dockerfiles', () => {
  it.each(DOCKERFILES)('%s: pinned bases, non-root final stage, health check, clean apt', (file) => {
    const text = read(file);
    const froms = [...text.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(froms.length).toBeGreaterThanOrEqual(2); // multi-stage
    for (const image of froms) expect(image).toMatch(/:[0-9][\w.-]*$/); // DL3006/DL3007: a version tag, never latest
    const finalStage = text.slice(text.lastIndexOf('\nFROM '));
    const user = [...finalStage.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]).pop();
    expect(user).toBeDefined();
    expect(user).not.toMatch(/^(root|0)$/); // DL3002
    expect(finalStage).toMatch(/^HEALTHCHECK /m);
    expect(text).not.toMatch(/^ADD\s+https?:/m); // DL3020
    for (const run of text.match(/^RUN [\s\S]*?(?<!\\)\n/gm) ?? []) {
      if (run.includes('apt-get install')) {
        expect(run).toContain('--no-install-recommends'); // DL3015
        expect(run).toContain('rm -rf /var/lib/apt/lists'); // DL3009
      }
    }
  });

  it('the images start the entry points the test suite builds and runs', () => {
    const entry = (file: string) => JSON.parse(/^CMD (\[.*\])$/m.exec(read(file))![1]) as string[];
    expect(entry('docker/api.Dockerfile')).toEqual(['node', 'apps/api/dist/main.js']);
    expect(entry('docker/worker.Dockerfile')).toEqual(['node', 'apps/api/dist/worker.js']);
    for (const f of ['apps/api/src/main.ts', 'apps/api/src/worker.ts', 'apps/api/src/cli/main.ts'])
      expect(existsSync(path.join(ROOT, f))).toBe(true);
  });
});

describe('docker/compose.yaml', () => {
  const service = z
    .object({
      image: z.string().optional(),
      build: z.object({ context: z.string(), dockerfile: z.string() }).optional(),
      command: z.array(z.string()).optional(),
      depends_on: z
        .record(
          z.string(),
          z.object({
            condition: z.enum(['service_healthy', 'service_completed_successfully', 'service_started']),
          }),
        )
        .optional(),
      healthcheck: z
        .object({ test: z.array(z.string()) })
        .passthrough()
        .optional(),
    })
    .passthrough();
  const compose = z.object({
    services: z.record(z.string(), service),
    volumes: z.record(z.string(), z.unknown()).optional(),
  });
  const doc = compose.parse(parse(read('docker/compose.yaml')));

  it('brings up PostgreSQL, Redis, a one-shot migration, the API, the worker and the web app', () => {
    expect(Object.keys(doc.services).sort()).toEqual([
      'admin',
      'api',
      'migrate',
      'postgres',
      'redis',
      'worker',
    ]);
  });

  it('runs migrations once before the API and the worker start', () => {
    expect(doc.services.migrate.command).toEqual(['node', 'apps/api/dist/cli/main.js', 'migrate']);
    for (const s of ['api', 'worker'])
      expect(doc.services[s].depends_on?.migrate?.condition).toBe('service_completed_successfully');
  });

  it('every long-running service has a health check and every build names an existing Dockerfile', () => {
    for (const [name, s] of Object.entries(doc.services)) {
      if (s.build)
        expect(existsSync(path.join(ROOT, 'docker', s.build.context, s.build.dockerfile))).toBe(true);
      if (name !== 'migrate' && name !== 'worker' && name !== 'admin')
        expect({ name, healthcheck: !!s.healthcheck }).toEqual({ name, healthcheck: true });
      if (s.image) expect(s.image).toMatch(/:[0-9][\w.-]*$/);
    }
  });

  it('.env.example documents every variable the configuration schemas read', () => {
    const example = read('.env.example');
    // Every module's schema: any source file that calls loadConfig(), found rather than listed.
    const sources = configSources()
      .map((f) => read(f))
      .join('\n');
    const vars = new Set([...sources.matchAll(/^\s+([A-Z][A-Z0-9_]+): z\s*\./gm)].map((m) => m[1]));
    expect(vars.size).toBeGreaterThan(8);
    for (const v of vars)
      expect({ v, documented: new RegExp(`^#? ?${v}=`, 'm').test(example) }).toEqual({ v, documented: true });
  });
});
