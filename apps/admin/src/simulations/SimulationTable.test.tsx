import { screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { formatCents } from '../format';
import { renderUi } from '../test/render';
import { SimulationTable, formatSignedCents, parseEuros, type Simulation } from './SimulationTable';

/** RULES §6 "financial simulations": per doctor, the net forfait at 5 / 15 / 25 % and the gap to current income. */
const rate = (r: string, pct: string, net: number, current: number | null) => ({
  rate: r,
  ratePercent: pct,
  netMonthlyCents: net,
  netAnnualCents: net * 12,
  gapMonthlyCents: current === null ? null : net - current,
  gapAnnualCents: current === null ? null : (net - current) * 12,
});
const sim: Simulation = {
  id: '00000000-0000-4000-8000-000000000001',
  structureId: '00000000-0000-4000-8000-000000000002',
  structureName: 'Cabinet des Genêts',
  referenceMonth: '2026-10',
  gridVersion: 'MTR2-2026',
  rates: ['0.05', '0.15', '0.25'],
  inputsFingerprint: 'a'.repeat(64),
  createdAt: '2026-11-02T09:00:00.000Z',
  createdBy: { id: '00000000-0000-4000-8000-000000000003', name: 'Équipe ipso', role: 'ipso_team' },
  assumptions: ['tous les patients … sont supposés inclus'],
  sources: { patients: 'patientèle importée', activityWindow: { from: '2025-11', to: '2026-10' } },
  doctors: [
    {
      practitionerId: '00000000-0000-4000-8000-00000000000a',
      rpps: '10000000017',
      lastName: 'Arnaud',
      firstName: 'Claire',
      mtPatients: 3,
      paidPatients: 2,
      lines: [],
      grossMonthlyCents: 2610,
      currentIncome: { monthlyCents: 1083, source: 'computed', detail: 'calculé' },
      byRate: [rate('0.05', '5 %', 2481, 1083), rate('0.15', '15 %', 2220, 1083), rate('0.25', '25 %', 1959, 1083)],
    },
    {
      practitionerId: '00000000-0000-4000-8000-00000000000b',
      rpps: '10000000025',
      lastName: 'Colin',
      firstName: 'Paul',
      mtPatients: 1,
      paidPatients: 1,
      lines: [],
      grossMonthlyCents: 1280,
      currentIncome: { monthlyCents: null, source: 'unavailable', detail: 'tarif manquant' },
      byRate: [rate('0.05', '5 %', 1216, null), rate('0.15', '15 %', 1088, null), rate('0.25', '25 %', 960, null)],
    },
  ],
  structure: {
    mtPatients: 4,
    paidPatients: 3,
    grossMonthlyCents: 3890,
    byRate: [
      { rate: '0.05', ratePercent: '5 %', netMonthlyCents: 3697, netAnnualCents: 3697 * 12 },
      { rate: '0.15', ratePercent: '15 %', netMonthlyCents: 3308, netAnnualCents: 3308 * 12 },
      { rate: '0.25', ratePercent: '25 %', netMonthlyCents: 2919, netAnnualCents: 2919 * 12 },
    ],
  },
};

/** Intl fr-FR uses no-break spaces; compare text with ordinary spaces. */
const n = (t: string | null) => (t ?? '').replace(/\s+/g, ' ');

describe('SimulationTable', () => {
  it('shows one column group per simulated rate, with monthly and annual net and gap', () => {
    renderUi(<SimulationTable sim={sim} />);
    const table = screen.getByRole('table');
    for (const pct of ['5 %', '15 %', '25 %']) expect(within(table).getByRole('columnheader', { name: `Taux de fuite ${pct}` })).toHaveAttribute('colspan', '4');
    expect(within(table).getAllByRole('columnheader', { name: 'Net annuel' })).toHaveLength(3);
    const arnaud = within(table).getByRole('row', { name: /Arnaud/ });
    expect(n(arnaud.textContent)).toContain(n(formatCents(2220))); // « 22,20 € » at 15 %
    expect(n(arnaud.textContent)).toContain(n(formatCents(26_640))); // annual = monthly × 12
    expect(n(arnaud.textContent)).toContain(n(`+${formatCents(1137)}`)); // gap = 22,20 − 10,83
    expect(arnaud).toHaveTextContent('calculé (activité importée)');
  });

  it('shows an unknown income as unknown and its gap as a dash, never as zero', () => {
    renderUi(<SimulationTable sim={sim} />);
    const colin = screen.getByRole('row', { name: /Colin/ });
    expect(colin).toHaveTextContent('inconnu');
    expect(n(colin.textContent)).toContain(n(formatCents(1088)));
    expect(within(colin).getAllByText('—').length).toBeGreaterThanOrEqual(7);
    expect(n(colin.textContent)).not.toContain(n(formatCents(0)));
  });

  it('totals the structure in the footer', () => {
    renderUi(<SimulationTable sim={sim} />);
    const total = screen.getByRole('row', { name: /Structure/ });
    expect(total).toHaveTextContent('4 / 3');
    expect(n(total.textContent)).toContain(n(formatCents(3308 * 12)));
  });

  it('reads euro amounts typed in French into integer cents, and formats signed gaps', () => {
    expect(parseEuros('2 000')).toBe(200_000);
    expect(parseEuros('1 234,56 €')).toBe(123_456);
    expect(parseEuros('10,5')).toBe(1050);
    expect(parseEuros('12,345')).toBeNull();
    expect(parseEuros('-3')).toBeNull();
    expect(parseEuros('abc')).toBeNull();
    expect(formatSignedCents(-199_277)).toBe(formatCents(-199_277));
    expect(formatSignedCents(null)).toBe('—');
  });
});
