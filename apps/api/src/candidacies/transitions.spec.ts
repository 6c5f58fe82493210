import { subject } from '@casl/ability';
import { defineAbilityFor } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { STRUCTURE_STATES } from '../structures/structure.schemas';
import { addMonths, CANDIDACY_STATES, findTransition, TRANSITIONS, transitionsFrom, type TransitionRole } from './transitions';

/** Issue #4 §1 — the one transition table, read by CASL: every allowed transition per role, and forbidden ones. */
const A = '0a0a0a0a-0000-4000-8000-00000000000a';
const B = '0b0b0b0b-0000-4000-8000-00000000000b';
const user = (p: Partial<AuthenticatedUser>): AuthenticatedUser => ({ id: 'u', email: 'u@x', displayName: 'u', platformRole: null, memberships: [], ...p });
const PERSONAS: Record<TransitionRole | 'coordinatorOfB' | 'practitioner' | 'copil', AuthenticatedUser> = {
  ipso_team: user({ platformRole: 'ipso_team' }),
  platform_admin: user({ platformRole: 'platform_admin' }),
  coordinator: user({ memberships: [{ structureId: A, role: 'coordinator', practitionerId: null }] }),
  coordinatorOfB: user({ memberships: [{ structureId: B, role: 'coordinator', practitionerId: null }] }),
  practitioner: user({ memberships: [{ structureId: A, role: 'practitioner', practitionerId: null }] }),
  copil: user({ platformRole: 'copil' }),
};
const can = (who: keyof typeof PERSONAS, from: string, to: string) =>
  defineAbilityFor(PERSONAS[who]).can('create', subject('CandidacyTransition', { tenantId: A, from, to }));

describe('candidacy transition table (issue #4 §1, RULES.md §6–§7)', () => {
  it('uses exactly the structure states', () => {
    expect([...CANDIDACY_STATES]).toEqual([...STRUCTURE_STATES]);
  });

  it('has no duplicate row and reaches every state from identified', () => {
    const keys = TRANSITIONS.map((t) => `${t.from}>${t.to}`);
    expect(new Set(keys).size).toBe(keys.length);
    const seen = new Set<string>(['identified']);
    for (let changed = true; changed; ) {
      changed = false;
      for (const t of TRANSITIONS) {
        if (seen.has(t.from) && !seen.has(t.to)) {
          seen.add(t.to);
          changed = true;
        }
      }
    }
    expect([...seen].sort()).toEqual([...CANDIDACY_STATES].sort());
    expect(transitionsFrom('exited')).toEqual([]);
    expect(transitionsFrom('ctis_rejected')).toEqual([]);
  });

  for (const t of TRANSITIONS) {
    it(`${t.from} → ${t.to}: allowed for ${t.roles.join(', ')} only`, () => {
      for (const role of ['ipso_team', 'platform_admin', 'coordinator'] as const) {
        expect({ role, allowed: can(role, t.from, t.to) }).toEqual({ role, allowed: t.roles.includes(role) });
      }
      expect(can('coordinatorOfB', t.from, t.to)).toBe(false);
      expect(can('practitioner', t.from, t.to)).toBe(false);
      expect(can('copil', t.from, t.to)).toBe(false);
    });
  }

  it('forbidden samples per role: skipping steps is not in the table; roles stay in their lane', () => {
    expect(findTransition('identified', 'active')).toBeUndefined();
    expect(findTransition('audit_in_progress', 'gap_analysis')).toBeUndefined();
    expect(findTransition('copil_review', 'ctis_approved')).toBeUndefined();
    expect(findTransition('ctis_rejected', 'convention_signed')).toBeUndefined();
    expect(findTransition('exit_notified', 'active')).toBeUndefined();
    // coordinator: cannot pre-select, approve for the CTIS, sign the convention or suspend
    expect(can('coordinator', 'identified', 'pre_selected')).toBe(false);
    expect(can('coordinator', 'submitted_to_ctis', 'ctis_approved')).toBe(false);
    expect(can('coordinator', 'ctis_approved', 'convention_signed')).toBe(false);
    expect(can('coordinator', 'active', 'suspended')).toBe(false);
    // ipso_team: cannot hand in the structure's audit in its place
    expect(can('ipso_team', 'audit_in_progress', 'audit_submitted')).toBe(false);
    expect(can('ipso_team', 'changes_requested', 'resubmitted')).toBe(false);
    // suspension needs a recorded CTIS decision
    expect(findTransition('active', 'suspended')?.decision).toBe('ctis');
    expect(findTransition('ctis_approved', 'convention_signed')?.decision).toBe('convention');
    expect(findTransition('active', 'exit_notified')?.decision).toBe('exit_notice');
  });

  it('notice period: civil months, clamped to the end of month', () => {
    expect(addMonths('2027-01-15', 3)).toBe('2027-04-15');
    expect(addMonths('2027-11-30', 3)).toBe('2028-02-29');
    expect(addMonths('2027-10-31', 4)).toBe('2028-02-29');
    expect(addMonths('2026-12-31', 2)).toBe('2027-02-28');
  });
});
