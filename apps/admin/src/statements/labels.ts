/** French labels of the statements' states and of the forfait lines (grid MTR2-2026). */
export const STATEMENT_STATUS: Record<string, { label: string; color: string }> = {
  draft: { label: 'brouillon', color: '#8a3b00' },
  issued: { label: 'émis', color: '#1b5e20' },
  superseded: { label: 'remplacé', color: '#495057' },
};

export const RUN_STATUS: Record<string, string> = {
  queued: 'en file d’attente',
  running: 'en cours de calcul',
  done: 'terminé',
  failed: 'en échec',
};

/** Patient status of the month (engine `PatientMonthStatus`). */
export const PATIENT_STATUS: Record<string, string> = {
  paid: 'payé',
  structureExited: 'structure sortie du programme',
  notCovered: 'sans médecin traitant de la structure',
  notYetIncluded: 'pas encore inclus',
  notConsommant: 'non consommant',
};

/** Labels of the printed grid (libs/forfait-engine/src/params/mtr2-2026.json), for lines the statement no longer has. */
export const LINE_LABELS: Record<string, string> = {
  socle_0_5: 'socle 0–5 ans',
  socle_6_64: 'socle 6–64 ans',
  socle_65_79: 'socle 65–79 ans',
  socle_80_plus: 'socle 80 ans et +',
  ald: 'ALD',
  socialVulnerability: 'vulnérabilité sociale',
  mentalHealth: 'santé mentale',
  disability: 'handicap',
  highCvRisk: 'haut risque CV',
  paediatricFollowUp: 'suivi pédiatrique',
  obstetricFollowUp: 'suivi obstétrique',
  gynaecologicalFollowUp: 'suivi gynécologique',
  homeDependency: 'perte d’autonomie à domicile',
};

export const lineLabel = (code: string): string => LINE_LABELS[code] ?? code;

/** The programme's months (May 2026 – April 2030) up to the current month in Europe/Paris, latest first. */
export function programmeMonths(now = new Date()): string[] {
  const current = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' }).format(now).slice(0, 7);
  const out: string[] = [];
  for (let y = 2026, m = 5; `${y}-${String(m).padStart(2, '0')}` <= current && y * 100 + m <= 203004; m === 12 ? ((y += 1), (m = 1)) : (m += 1)) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out.reverse();
}

/** The month before the current one (the month usually run at the start of the next), within the programme. */
export function defaultRunMonth(now = new Date()): string {
  const months = programmeMonths(now);
  return months[1] ?? months[0] ?? '2026-05';
}
