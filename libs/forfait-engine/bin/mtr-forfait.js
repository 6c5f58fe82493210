#!/usr/bin/env node
// Shim: the CLI is TypeScript compiled to dist/ (npx tsc -b libs/forfait-engine).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('mtr-forfait: dist/cli.js is missing: run npm run build first\n');
  process.exit(2);
}
process.exitCode = require(cli).main(process.argv.slice(2));
