/**
 * Issue 3 §11: the CLI on the README's examples; bad input exits with code 2 and names the path
 * of the faulty field; the JSON Schemas under schema/ are the ones generated from the zod schemas.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, type CliIo } from './cli';
import {
  GridReportSchema,
  RegularisationSchema,
  SafeguardStatementSchema,
  SimulationSchema,
  StatementSchema,
} from './output-schemas';
import { RegulariseInputSchema, SafeguardInputSchema, ScenarioSchema, SimulateInputSchema } from './schemas';
import { buildJsonSchemas } from './json-schemas';

const LIB = join(__dirname, '..');

function cli(args: string[], files: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const io: CliIo = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readFile: (f) => {
      if (f in files) return files[f];
      return readFileSync(f, 'utf8');
    },
    writeFile: (f, t) => void (written[f] = t),
  };
  const code = run(args, io);
  return { code, stdout, stderr, written };
}

const example = (name: string) => join(LIB, 'examples', name);

describe('mtr-forfait CLI', () => {
  it('grid prints the printed grid; --json follows its schema', () => {
    const text = cli(['grid']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/socle 0–5 ans\s+12\.80\s+12\.2\s+10\.9\s+9\.6/);
    const json = cli(['grid', '--json', '--leakage', '0.15']);
    expect(GridReportSchema.parse(JSON.parse(json.stdout)).rows[0].net[0]).toMatchObject({
      printed: '10.9',
      unitCents: 1088,
    });
  });

  it.each([
    ['compute', 'compute-scenario.json', ScenarioSchema, StatementSchema],
    ['regularise', 'regularise.json', RegulariseInputSchema, RegularisationSchema],
    ['safeguard', 'safeguard.json', SafeguardInputSchema, SafeguardStatementSchema],
    ['simulate', 'simulate.json', SimulateInputSchema, SimulationSchema],
  ] as const)('%s runs on examples/%s and prints output of its schema', (command, file, input, output) => {
    expect(input.safeParse(JSON.parse(readFileSync(example(file), 'utf8'))).success).toBe(true);
    const r = cli([command, example(file)]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(output.safeParse(JSON.parse(r.stdout)).success).toBe(true);
  });

  it('compute on the README example: the statement of October 2026', () => {
    const r = cli(['compute', example('compute-scenario.json')]);
    const oct = JSON.parse(r.stdout).months[0];
    expect(oct.structure).toMatchObject({ patientsPaid: 5, grossCents: 19460, netCents: 17213 });
    expect(oct.structure.patientsByStatus).toEqual({
      paid: 5,
      structureExited: 0,
      notCovered: 2,
      notYetIncluded: 1,
      notConsommant: 0,
    });
  });

  it('exits 2 and names the faulty field on bad input', () => {
    const scenario = JSON.parse(readFileSync(example('compute-scenario.json'), 'utf8'));
    scenario.patients[2].birthDate = '2027-02-01';
    scenario.convention.theoreticalLeakageRate = '1.2';
    const r = cli(['compute', 'bad.json'], { 'bad.json': JSON.stringify(scenario) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('convention.theoreticalLeakageRate: rate 1.2 is outside [0, 1)');
    const r2 = cli(['compute', 'bad.json'], {
      'bad.json': JSON.stringify({
        ...scenario,
        convention: { ...scenario.convention, theoreticalLeakageRate: '0.15' },
      }),
    });
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(
      'patients[2].birthDate: birth date 2027-02-01 is after the billed month 2027-01',
    );
  });

  it('exits 2 on usage errors, unreadable files and invalid JSON', () => {
    expect(cli([]).code).toBe(2);
    expect(cli(['frobnicate']).code).toBe(2);
    expect(cli(['compute']).code).toBe(2);
    expect(cli(['grid', '--leakage', '0.3', '--bogus']).code).toBe(2);
    expect(cli(['grid', '--leakage', 'abc']).stderr).toContain('--leakage: "abc" is not a decimal rate');
    expect(cli(['compute', '/nonexistent/x.json']).code).toBe(2);
    const bad = cli(['regularise', 'x.json'], { 'x.json': '{ nope' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('invalid JSON');
  });

  it('the JSON Schemas in schema/ are up to date (regenerate: npm run forfait -- schemas)', () => {
    expect(cli(['schemas', '--check']).code).toBe(0);
    for (const [file, text] of Object.entries(buildJsonSchemas())) {
      expect(JSON.parse(readFileSync(join(LIB, 'schema', file), 'utf8'))).toEqual(JSON.parse(text));
    }
  });
});
