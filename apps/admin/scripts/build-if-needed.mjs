// Builds the web app only when it is missing or older than its sources (npm start, npm test).
// The API types are regenerated first (src/api/schema.d.ts is rewritten only if the API's
// contracts changed), so a changed contract triggers a rebuild and a type-check against it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const admin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const root = path.resolve(admin, '../..');
const stamp = path.join(admin, 'dist/index.html');

function newest(p) {
  if (!existsSync(p)) return 0;
  const s = statSync(p);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(p).map((n) => newest(path.join(p, n))));
}

const run = (file, args) => execFileSync(file, args, { cwd: admin, stdio: 'inherit' });
run(process.execPath, [path.join(admin, 'scripts/generate-api.mjs')]);
const inputs = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'].map((p) => path.join(admin, p));
inputs.push(path.join(root, 'libs/api-contracts/src'));
const latest = Math.max(...inputs.map(newest));
if (existsSync(stamp) && statSync(stamp).mtimeMs >= latest && !process.argv.includes('--force')) {
  console.log('application web déjà construite (apps/admin/dist)');
} else {
  const bin = (name) => path.join(root, 'node_modules/.bin', name);
  run(bin('tsc'), ['-p', 'tsconfig.json']);
  run(bin('vite'), ['build', '--logLevel', 'warn']);
  console.log('application web construite (apps/admin/dist)');
}
