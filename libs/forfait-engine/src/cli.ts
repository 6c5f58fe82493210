/**
 * mtr-forfait: command-line front end of the engine (the only module doing I/O).
 *
 *   mtr-forfait grid [--leakage R] [--json] [--grid VERSION]
 *   mtr-forfait compute SCENARIO.json [--explain]
 *   mtr-forfait regularise FILE.json
 *   mtr-forfait safeguard FILE.json
 *   mtr-forfait simulate FILE.json
 *   mtr-forfait schemas [--out DIR] [--check]
 *
 * Exit codes: 0 success, 2 bad usage or bad input (the message names the faulty field path),
 * 1 unexpected failure.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from './errors';
import { formatGridTable, gridReport } from './grid';
import { buildJsonSchemas } from './json-schemas';
import { regularise } from './leakage';
import { parseRate, rateProblem } from './money';
import { getProgrammeParams } from './params';
import { computeSafeguard } from './safeguard';
import { simulate } from './simulation';
import { computeStatement } from './statement';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readFile(file: string): string;
  writeFile(file: string, text: string): void;
}

export const USAGE = `usage:
  mtr-forfait grid [--leakage R] [--json] [--grid VERSION]   grid gross/net (R: 0.15 for 15 %)
  mtr-forfait compute SCENARIO.json [--explain]             monthly statement of one structure
  mtr-forfait regularise FILE.json                          leakage regularisation of a year
  mtr-forfait safeguard FILE.json                           safeguard clause of one doctor
  mtr-forfait simulate FILE.json                            forfaits of a candidate structure
  mtr-forfait schemas [--out DIR] [--check]                 write (or check) the JSON Schemas`;

class UsageError extends Error {}

interface Parsed {
  positional: string[];
  flags: Map<string, string | true>;
}

const VALUE_FLAGS = new Set(['--leakage', '--grid', '--out']);

function parseArgs(args: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string | true>();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      if (eq > 0) flags.set(a.slice(0, eq), a.slice(eq + 1));
      else if (VALUE_FLAGS.has(a)) {
        if (i + 1 >= args.length) throw new UsageError(`${a} needs a value`);
        flags.set(a, args[++i]);
      } else flags.set(a, true);
    } else positional.push(a);
  }
  return { positional, flags };
}

function allowOnly(p: Parsed, allowed: readonly string[], positional: number): void {
  for (const f of p.flags.keys()) if (!allowed.includes(f)) throw new UsageError(`unknown option ${f}`);
  if (p.positional.length !== positional)
    throw new UsageError(positional === 0 ? 'this command takes no file' : 'expected exactly one input file');
}

function readJson(io: CliIo, file: string): unknown {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${file}: invalid JSON (${(e as Error).message})`);
  }
}

function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

function gridCommand(p: Parsed, io: CliIo): number {
  allowOnly(p, ['--leakage', '--json', '--grid'], 0);
  const version = p.flags.get('--grid');
  let params;
  try {
    params = getProgrammeParams(typeof version === 'string' ? version : undefined);
  } catch (e) {
    throw new InputError([{ path: '--grid', message: (e as Error).message }]);
  }
  const leakage = p.flags.get('--leakage');
  let rates;
  if (leakage !== undefined) {
    const problem = typeof leakage === 'string' ? rateProblem(leakage) : 'needs a value';
    if (problem !== null) throw new InputError([{ path: '--leakage', message: problem }]);
    rates = [parseRate(leakage as string)];
  }
  const report = gridReport(params, rates);
  if (p.flags.get('--json') === true) printJson(io, report);
  else io.stdout(`${formatGridTable(report)}\n`);
  return 0;
}

function sameJson(a: string, b: string): boolean {
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}

function schemasCommand(p: Parsed, io: CliIo): number {
  allowOnly(p, ['--out', '--check'], 0);
  const out = p.flags.get('--out');
  const dir = typeof out === 'string' ? out : path.resolve(__dirname, '..', 'schema');
  const files = buildJsonSchemas();
  const stale: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dir, name);
    if (p.flags.get('--check') === true) {
      let current = '';
      try {
        current = io.readFile(file);
      } catch {
        current = '';
      }
      // Compare content, not layout: a formatter may reflow the generated files.
      if (!sameJson(current, text)) stale.push(file);
    } else io.writeFile(file, text);
  }
  if (stale.length > 0) {
    io.stderr(`mtr-forfait: stale JSON Schemas (run mtr-forfait schemas):\n  ${stale.join('\n  ')}\n`);
    return 1;
  }
  io.stdout(
    `${p.flags.get('--check') === true ? 'up to date' : 'wrote'}: ${Object.keys(files).length} schemas in ${dir}\n`,
  );
  return 0;
}

function fileCommand(
  p: Parsed,
  io: CliIo,
  compute: (input: unknown) => unknown,
  extraFlags: readonly string[] = [],
): number {
  allowOnly(p, extraFlags, 1);
  const file = p.positional[0];
  const input = readJson(io, file);
  try {
    printJson(io, compute(input));
  } catch (e) {
    if (e instanceof InputError) {
      io.stderr(
        `mtr-forfait: invalid input in ${file}:\n${e.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}\n`,
      );
      return 2;
    }
    throw e;
  }
  return 0;
}

/** Runs one command; returns the exit code. */
export function run(argv: readonly string[], io: CliIo): number {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      io.stdout(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    }
    const p = parseArgs(rest);
    switch (command) {
      case 'grid':
        return gridCommand(p, io);
      case 'compute':
        return fileCommand(
          p,
          io,
          (input) =>
            computeStatement(
              p.flags.get('--explain') === true && input !== null && typeof input === 'object'
                ? { ...input, explain: true }
                : input,
            ),
          ['--explain'],
        );
      case 'regularise':
      case 'regularize':
        return fileCommand(p, io, regularise);
      case 'safeguard':
        return fileCommand(p, io, computeSafeguard);
      case 'simulate':
        return fileCommand(p, io, simulate);
      case 'schemas':
        return schemasCommand(p, io);
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`mtr-forfait: ${e.message}\n${USAGE}\n`);
      return 2;
    }
    if (e instanceof InputError) {
      io.stderr(
        `mtr-forfait: invalid input:\n${e.issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n')}\n`,
      );
      return 2;
    }
    io.stderr(`mtr-forfait: internal error: ${(e as Error).stack ?? String(e)}\n`);
    return 1;
  }
}

export const nodeIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  readFile: (file) => fs.readFileSync(file, 'utf8'),
  writeFile: (file, text) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  },
};

/** Entry point used by bin/mtr-forfait.js. */
export function main(argv: readonly string[] = process.argv.slice(2)): number {
  return run(argv, nodeIo);
}
