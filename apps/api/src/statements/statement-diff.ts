/** A doctor × line of a statement, as stored in `statement_lines`. */
export interface DoctorLine {
  practitionerId: string;
  lineCode: string;
  patientCount: number;
  unitNetCents: number;
  amountCents: number;
}

export interface LineChange {
  practitionerId: string;
  lineCode: string;
  before: { patientCount: number; amountCents: number } | null;
  after: { patientCount: number; amountCents: number } | null;
  deltaCents: number;
}

export interface StatementDiff {
  supersedesNumber: string;
  netBeforeCents: number;
  netAfterCents: number;
  deltaCents: number;
  /** Only the lines that changed, by doctor then line code. */
  lines: LineChange[];
}

const key = (l: { practitionerId: string; lineCode: string }) => `${l.practitionerId}\u0000${l.lineCode}`;

/**
 * Line-by-line difference between the issued statement and its corrected version (issue #6 §1):
 * what a correction changes, for the coordinator and for a CNAM auditor.
 */
export function diffStatements(supersedesNumber: string, before: readonly DoctorLine[], after: readonly DoctorLine[]): StatementDiff {
  const old = new Map(before.map((l) => [key(l), l]));
  const now = new Map(after.map((l) => [key(l), l]));
  const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
  const lines: LineChange[] = [];
  for (const k of keys) {
    const b = old.get(k);
    const a = now.get(k);
    if (b && a && b.patientCount === a.patientCount && b.amountCents === a.amountCents) continue;
    const ref = (a ?? b)!;
    lines.push({
      practitionerId: ref.practitionerId,
      lineCode: ref.lineCode,
      before: b ? { patientCount: b.patientCount, amountCents: b.amountCents } : null,
      after: a ? { patientCount: a.patientCount, amountCents: a.amountCents } : null,
      deltaCents: (a?.amountCents ?? 0) - (b?.amountCents ?? 0),
    });
  }
  const sum = (ls: readonly DoctorLine[]) => ls.reduce((s, l) => s + l.amountCents, 0);
  const netBeforeCents = sum(before);
  const netAfterCents = sum(after);
  return { supersedesNumber, netBeforeCents, netAfterCents, deltaCents: netAfterCents - netBeforeCents, lines };
}
