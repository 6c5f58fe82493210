#!/usr/bin/env node
// Shim: the benchmark is TypeScript compiled to dist/ (npx tsc -b libs/forfait-engine).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const bench = path.join(__dirname, '..', 'dist', 'bench', 'bench-forfait.js');
if (!fs.existsSync(bench)) {
  process.stderr.write('bench-forfait: dist/bench/bench-forfait.js is missing: run npm run build first\n');
  process.exit(2);
}
require(bench);
