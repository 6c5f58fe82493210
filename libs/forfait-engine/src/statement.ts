/**
 * `compute`: the statement of one structure for one or more months, from a validated scenario.
 */
import { aggregateMonth } from './aggregate';
import { createEngineContext, type EngineContext } from './context';
import { monthIndexOfText } from './dates';
import { computeMonthlyForfait } from './monthly-forfait';
import type { MonthStatement, PatientMonthResult, Statement } from './output-schemas';
import { preparePatient } from './prepare';
import { validateScenario } from './validate';

/** Context of a scenario (after validation). */
export function contextOfScenario(input: unknown): {
  ctx: EngineContext;
  scenario: ReturnType<typeof validateScenario>['scenario'];
} {
  const { scenario, params } = validateScenario(input);
  const ctx = createEngineContext({
    params,
    convention: scenario.convention,
    practitioners: scenario.practitioners,
  });
  return { ctx, scenario };
}

/**
 * Validates a scenario and computes its statement: per month, per doctor and for the structure,
 * with the per-patient explanation when `explain` is set. Months come out in calendar order and
 * patients by id, whatever the input order.
 */
export function computeStatement(input: unknown): Statement {
  const { ctx, scenario } = contextOfScenario(input);
  const prepared = scenario.patients
    .map(preparePatient)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const months = [...scenario.months].sort((a, b) => monthIndexOfText(a) - monthIndexOfText(b));
  const out: MonthStatement[] = months.map((month) => {
    const results: PatientMonthResult[] = prepared.map((p) => computeMonthlyForfait(p, ctx, month));
    const statement = aggregateMonth(results, ctx, month);
    return scenario.explain ? { ...statement, patients: results } : statement;
  });
  return { gridVersion: ctx.gridVersion, structureId: ctx.convention.structureId, months: out };
}
