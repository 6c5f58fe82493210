/**
 * @mtr/forfait-engine: every MTR 2 payment rule as pure functions (RULES.md §1–§5).
 *
 * Typical use by the API:
 *
 *   const ctx = createEngineContext({ convention, practitioners });     // once per structure
 *   const result = computeMonthlyForfait(patient, ctx, '2026-06');      // per patient, explained
 *   const statement = aggregateMonth(results, ctx, '2026-06');          // per doctor and structure
 *
 * and for large batches without explanations:
 *
 *   const cols = compileMonthFacts(patients, ctx, '2026-06');
 *   const totals = computeMonthTotals(cols, ctx);                       // same statement shape
 */

// Parameters (versioned data) and money.
export { DEFAULT_GRID_VERSION, getProgrammeParams, gridVersions } from './params';
export {
  ProgrammeParamsSchema,
  BRIQUE_CODES,
  CUMULATIVE_BRIQUES,
  REPLACING_BRIQUE,
  type ProgrammeParams,
  type ProgrammeParamsInput,
  type BriqueCode,
  type CumulativeBrique,
} from './params/schema';
export {
  applyLeakage,
  divRound,
  formatEuros,
  formatTenths,
  parseRate,
  rateFromRatio,
  ratePercentText,
  rateProblem,
  type Cents,
  type Rate,
  type RoundingMode,
} from './money';
export { formatMonth, formatDay, parseDay, monthIndexOfText as monthIndexOf } from './dates';
// Calendar helpers of the rules' windows (anniversaries, N-month validity), for the worklist (issue #6 §6).
export { addMonthsToDay, firstDayOfMonth, lastDayOfMonth, monthIndexOfDay } from './dates';

// Inputs, validation, errors.
export * from './schemas';
export { InputError, formatPath, type InputIssue } from './errors';
export { patientIssues, monthIssues, validateScenario } from './validate';

// Context and per-patient computation.
export {
  createEngineContext,
  resolveConvention,
  type ContextOptions,
  type EngineContext,
  type ResolvedConvention,
} from './context';
export { PreparedPatient, preparePatient } from './prepare';
export { computeInclusion, type Inclusion, type InclusionReason } from './inclusion';
export { consommantStatus, type ConsommantStatus } from './consommant';
export { computeMonthlyForfait, evaluateMonthFacts, payableIn, type MonthFacts } from './monthly-forfait';

// Aggregation and statements.
export { aggregateMonth, MonthAggregator } from './aggregate';
export {
  allocateHistogram,
  allocateMonthFacts,
  compileMonthFacts,
  computeMonthTotals,
  writeMonthFacts,
  type MonthFactsColumns,
  type ProfileHistogram,
} from './columns';
export { computeStatement } from './statement';

// Leakage, safeguard, simulation, grid.
export { computeRegularisation, netOfLeakage, realLeakageRate, regularise } from './leakage';
export { computeSafeguard, TariffTable, annex3Matcher, actValue } from './safeguard';
export { simulate } from './simulation';
export { formatGridTable, gridReport } from './grid';
export { buildJsonSchemas, SCHEMA_FILES } from './json-schemas';

// Output types (and their zod schemas).
export * from './output-schemas';
