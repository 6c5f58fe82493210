import {
  addMonthsToDay,
  computeMonthlyForfait,
  firstDayOfMonth,
  formatDay,
  formatMonth,
  lastDayOfMonth,
  monthIndexOf,
  monthIndexOfDay,
  parseDay,
  preparePatient,
  type EngineContext,
  type PatientInput,
  type PatientMonthResult,
} from '@mtr/forfait-engine';
import type { WorklistItem, WorklistKind } from './worklist.schemas';

/**
 * Issue #6 §6 — the revenue-at-risk worklist (manque à gagner), pure: the engine decides what is
 * paid this month and what stops being paid later; this module only reads the evidence dates the
 * engine's windows depend on (validity in months from the engine's params) and says what to do.
 */
export interface WorklistPatient {
  externalId: string;
  input: PatientInput;
}

export const KIND_LABELS: Record<WorklistKind, string> = {
  mentalHealthAssessment: 'PHQ-9 / GAD-7 à refaire (santé mentale)',
  cvRiskAssessment: 'IMC / SCORE à refaire (haut risque CV)',
  iadlAssessment: 'IADL à refaire (perte d’autonomie à domicile)',
  mdphAssessment: 'Évaluation MDPH de plus de 11 mois (handicap)',
  consommantEnding: 'Plus consommant bientôt (dernière consultation il y a 22 à 24 mois)',
  anniversaryNeverSeen: 'Inclus à la date anniversaire, jamais vu',
  obstetricCap: 'Fin des 9 mois du suivi obstétrique',
};

/** Engine rule of a paid line → the evidence it rests on and the worklist kind (RULES §3, Annex 5). */
const ASSESSED: Record<string, { evidence: string; kind: WorklistKind; name: string }> = {
  phq9AtThreshold: { evidence: 'phq9', kind: 'mentalHealthAssessment', name: 'PHQ-9' },
  gad7AtThreshold: { evidence: 'gad7', kind: 'mentalHealthAssessment', name: 'GAD-7' },
  bmiAtThreshold: { evidence: 'bmi', kind: 'cvRiskAssessment', name: 'IMC' },
  scoreAtThreshold: { evidence: 'cvScore', kind: 'cvRiskAssessment', name: 'SCORE' },
  iadlAndHomeCare: { evidence: 'iadl', kind: 'iadlAssessment', name: 'IADL' },
};

/** MDPH: the engine keeps the latest annual assessment; the worklist warns once it is older than this. */
export const MDPH_WARN_AFTER_MONTHS = 11;
/** Consommant: warn when the last qualifying encounter is this many months old (window: engine params). */
export const CONSOMMANT_WARN_AFTER_MONTHS = 22;

const frDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
const evidenceDates = (p: PatientInput, type: string, upTo: number): number[] =>
  (p.evidence ?? [])
    .filter((e) => e.type === type && 'date' in e && typeof e.date === 'string' && parseDay(e.date) <= upTo)
    .map((e) => parseDay((e as { date: string }).date))
    .sort((x, y) => y - x);

export function buildWorklist(
  patients: readonly WorklistPatient[],
  ctx: EngineContext,
  asOf: string,
  horizonDays: number,
  mtNames: ReadonlyMap<string, string> = new Map(),
): WorklistItem[] {
  const today = parseDay(asOf);
  const m0 = monthIndexOf(asOf.slice(0, 7));
  const horizonEnd = today + horizonDays;
  const assessmentMonths = ctx.params.criteria.assessmentWindowMonths;
  const consommantMonths = ctx.params.consommant.windowMonths;
  const items: WorklistItem[] = [];

  for (const { externalId, input } of patients) {
    const p = preparePatient(input);
    const at = (monthIndex: number): PatientMonthResult => computeMonthlyForfait(p, ctx, formatMonth(monthIndex));
    const r0 = at(m0);
    const mtRpps = r0.mtRpps ?? input.mtDeclarations[0]?.rpps ?? null;
    const push = (kind: WorklistKind, lines: string[], day: number, lostFrom: number | null, cents: number, action: string) =>
      items.push({
        patientId: externalId,
        mtRpps,
        mtName: mtRpps ? (mtNames.get(mtRpps) ?? null) : null,
        kind,
        kindLabel: KIND_LABELS[kind],
        lines,
        date: formatDay(day),
        lostFromMonth: lostFrom === null ? null : formatMonth(lostFrom),
        daysLeft: day - today,
        amountAtStakeCents: cents,
        action,
      });

    if (r0.status === 'paid') {
      // Evidence with a validity window (RULES §3 Annex 5: PHQ-9/GAD-7, IMC/SCORE, IADL within 12 months).
      for (const line of r0.lines) {
        const a = ASSESSED[line.rule];
        if (!a) continue;
        const [latest] = evidenceDates(input, a.evidence, lastDayOfMonth(m0));
        if (latest === undefined) continue;
        const expiry = addMonthsToDay(latest, assessmentMonths);
        if (expiry > horizonEnd) continue;
        // The engine anchors the window on the month's last day: the line is lost from the expiry's month.
        const lostFrom = monthIndexOfDay(expiry);
        if (at(lostFrom).lines.some((l) => l.code === line.code)) continue; // another evidence keeps it
        push(
          a.kind,
          [line.code],
          expiry,
          lostFrom,
          line.netCents,
          `${a.name} du ${frDate(formatDay(latest))} valable ${assessmentMonths} mois : le refaire avant le ${frDate(formatDay(expiry))} (au plus tard le ${frDate(formatDay(lastDayOfMonth(lostFrom)))} pour garder ${formatMonth(lostFrom)}).`,
        );
      }
      // Handicap: latest MDPH assessment older than 11 months (annual re-assessment due).
      const disability = r0.lines.find((l) => l.code === 'disability');
      if (disability) {
        const [latest] = evidenceDates(input, 'mdph', today);
        if (latest !== undefined && addMonthsToDay(latest, MDPH_WARN_AFTER_MONTHS) < today) {
          const due = addMonthsToDay(latest, 12);
          push('mdphAssessment', ['disability'], due, null, disability.netCents, `Évaluation MDPH du ${frDate(formatDay(latest))} : demander la réévaluation annuelle avant le ${frDate(formatDay(due))}.`);
        }
      }
      // Consommant (RULES §2): last qualifying encounter 22–24 months ago → the whole forfait stops.
      if (r0.lastQualifyingEncounter) {
        const last = parseDay(r0.lastQualifyingEncounter);
        if (addMonthsToDay(last, CONSOMMANT_WARN_AFTER_MONTHS) <= today) {
          const end = addMonthsToDay(last, consommantMonths);
          // The window ends on the billed month's last day: the forfait stops from the month of `end`.
          const lostFrom = monthIndexOfDay(end);
          push(
            'consommantEnding',
            r0.lines.map((l) => l.code),
            end,
            lostFrom,
            r0.netCents,
            `Dernière consultation le ${frDate(r0.lastQualifyingEncounter)} : proposer une consultation avant le ${frDate(formatDay(lastDayOfMonth(lostFrom)))}, sinon plus aucun forfait à partir de ${formatMonth(lostFrom)}.`,
          );
        }
      }
      // Suivi obstétrique: 9 paid months per pregnancy (RULES §3), the cap reached within the horizon.
      const obstetric = r0.lines.find((l) => l.code === 'obstetricFollowUp');
      if (obstetric) {
        for (let m = m0 + 1; firstDayOfMonth(m) <= horizonEnd; m++) {
          const r = at(m);
          if (r.lines.some((l) => l.code === 'obstetricFollowUp')) continue;
          if (r.notPaid.some((n) => n.code === 'obstetricFollowUp' && n.rule === 'obstetricCapReached'))
            push(
              'obstetricCap',
              ['obstetricFollowUp'],
              firstDayOfMonth(m),
              m,
              obstetric.netCents,
              `${ctx.params.criteria.obstetricFollowUp.maxPaidMonths} mois de suivi obstétrique payés à la fin de ${formatMonth(m - 1)} : préparer le relais (suivi gynécologique de la patiente, suivi pédiatrique du nouveau-né).`,
            );
          break;
        }
      }
    }

    // Inclusion at the 12-month anniversary (RULES §1) without any qualifying encounter: nothing is paid.
    const inc = r0.inclusion;
    if (inc && inc.reason === 'anniversary' && parseDay(inc.date) <= horizonEnd) {
      const first = Math.max(m0, monthIndexOf(inc.firstForfaitMonth));
      if (at(first).status === 'notConsommant') {
        // What one consultation by the MT doctor today would bring, month after month (engine, same rate).
        const seen = preparePatient({
          ...input,
          encounters: [...(input.encounters ?? []), { date: asOf, kind: 'consultation', role: 'doctor', rpps: inc.doctorRpps, inStructure: true }],
        });
        const hypothetical = computeMonthlyForfait(seen, ctx, formatMonth(Math.max(m0 + 1, first)));
        push(
          'anniversaryNeverSeen',
          hypothetical.lines.map((l) => l.code),
          parseDay(inc.date),
          null,
          hypothetical.netCents,
          `Inclus automatiquement le ${frDate(inc.date)} (date anniversaire) sans consultation depuis 24 mois : le convoquer ; une consultation rend le forfait payable dès le mois suivant.`,
        );
      }
    }
  }
  return items;
}

const KIND_ORDER = new Map(Object.keys(KIND_LABELS).map((k, i) => [k, i]));

export function sortWorklist(items: WorklistItem[], sort: 'amount' | 'date' | 'kind'): WorklistItem[] {
  const byDate = (a: WorklistItem, b: WorklistItem) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0);
  const byId = (a: WorklistItem, b: WorklistItem) => (a.patientId < b.patientId ? -1 : a.patientId > b.patientId ? 1 : 0);
  const cmp =
    sort === 'amount'
      ? (a: WorklistItem, b: WorklistItem) => b.amountAtStakeCents - a.amountAtStakeCents || byDate(a, b) || byId(a, b)
      : sort === 'date'
        ? (a: WorklistItem, b: WorklistItem) => byDate(a, b) || b.amountAtStakeCents - a.amountAtStakeCents || byId(a, b)
        : (a: WorklistItem, b: WorklistItem) => (KIND_ORDER.get(a.kind) ?? 0) - (KIND_ORDER.get(b.kind) ?? 0) || byDate(a, b) || byId(a, b);
  return [...items].sort(cmp);
}
