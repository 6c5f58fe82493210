/**
 * JSON Schemas of the CLI input and output formats, generated from the zod schemas. The files
 * under libs/forfait-engine/schema/ are this function's output (`mtr-forfait schemas --out`),
 * and a spec fails when they drift.
 */
import { z } from 'zod';
import {
  GridReportSchema,
  RegularisationSchema,
  SafeguardStatementSchema,
  SimulationSchema,
  StatementSchema,
} from './output-schemas';
import { ProgrammeParamsSchema } from './params/schema';
import { RegulariseInputSchema, SafeguardInputSchema, ScenarioSchema, SimulateInputSchema } from './schemas';

interface SchemaFile {
  schema: z.ZodType;
  io: 'input' | 'output';
  title: string;
}

export const SCHEMA_FILES: Readonly<Record<string, SchemaFile>> = {
  'compute-input.schema.json': {
    schema: ScenarioSchema,
    io: 'input',
    title: 'mtr-forfait compute: scenario',
  },
  'compute-output.schema.json': {
    schema: StatementSchema,
    io: 'output',
    title: 'mtr-forfait compute: statement',
  },
  'regularise-input.schema.json': {
    schema: RegulariseInputSchema,
    io: 'input',
    title: 'mtr-forfait regularise: input',
  },
  'regularise-output.schema.json': {
    schema: RegularisationSchema,
    io: 'output',
    title: 'mtr-forfait regularise: regularisation',
  },
  'safeguard-input.schema.json': {
    schema: SafeguardInputSchema,
    io: 'input',
    title: 'mtr-forfait safeguard: input',
  },
  'safeguard-output.schema.json': {
    schema: SafeguardStatementSchema,
    io: 'output',
    title: 'mtr-forfait safeguard: statement',
  },
  'simulate-input.schema.json': {
    schema: SimulateInputSchema,
    io: 'input',
    title: 'mtr-forfait simulate: candidate extraction',
  },
  'simulate-output.schema.json': {
    schema: SimulationSchema,
    io: 'output',
    title: 'mtr-forfait simulate: simulation',
  },
  'grid-output.schema.json': {
    schema: GridReportSchema,
    io: 'output',
    title: 'mtr-forfait grid --json: grid report',
  },
  'programme-params.schema.json': {
    schema: ProgrammeParamsSchema,
    io: 'input',
    title: 'Programme parameter set (grid)',
  },
};

/** File name → JSON text (2-space indent, trailing newline). */
export function buildJsonSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [file, def] of Object.entries(SCHEMA_FILES)) {
    const json = z.toJSONSchema(def.schema, { io: def.io, unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    const { $schema, ...rest } = json;
    out[file] =
      `${JSON.stringify({ $schema, $id: `https://mtr2.local/schema/forfait-engine/${file}`, title: def.title, ...rest }, null, 2)}\n`;
  }
  return out;
}
