// Runs an operator command from the built API (npm run migrate | seed | audit:verify),
// building first when dist is missing so the command works from a fresh clone.
const { execSync, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const root = path.join(__dirname, '..');
const cli = path.join(root, 'apps/api/dist/cli/main.js');
if (!fs.existsSync(cli)) execSync('npx tsc -b tsconfig.build.json', { cwd: root, stdio: 'inherit' });
const r = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
