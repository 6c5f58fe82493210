import { ScrollArea, Table, Text } from '@mantine/core';
import type { ApiData } from '../api/types';
import { formatCents, formatInteger } from '../format';

export type Simulation = ApiData<'/structures/{structureId}/simulation'>;
type Doctor = Simulation['doctors'][number];

export const INCOME_SOURCE_LABELS: Record<Doctor['currentIncome']['source'], string> = {
  declared: 'déclaré',
  computed: 'calculé (activité importée)',
  unavailable: 'inconnu',
};

/** A signed amount: « +11,37 € », « -1 992,77 € » (the gap is forfait − current income). */
export function formatSignedCents(cents: number | null): string {
  if (cents === null) return '—';
  return cents > 0 ? `+${formatCents(cents)}` : formatCents(cents);
}

/** Integer cents from a French euro amount typed by a person (« 2 000 », « 1 234,56 »); null when unreadable. No float on money. */
export function parseEuros(text: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(t);
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/**
 * The per-doctor table of a simulation (RULES §6 "financial simulations"): patients, current
 * fee-for-service income with its source, and for each simulated leakage rate the net forfait
 * monthly and annual and the gap to the current income. Two header rows: rate, then amounts.
 */
export function SimulationTable({ sim }: { sim: Simulation }) {
  const rates = sim.structure.byRate;
  return (
    <ScrollArea type="auto" offsetScrollbars>
      <div tabIndex={0} role="region" aria-label="Tableau de la simulation par médecin (défilable)">
        <Table withTableBorder withColumnBorders striped miw={900} fz="sm">
          <caption style={{ captionSide: 'top', textAlign: 'left', paddingBottom: 8 }}>
            Forfaits nets par médecin aux taux de fuite simulés et écart au revenu actuel à l’acte (forfait − revenu actuel)
          </caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th rowSpan={2} scope="col">Médecin</Table.Th>
              <Table.Th rowSpan={2} scope="col">Patients MT / payés</Table.Th>
              <Table.Th rowSpan={2} scope="col">Revenu actuel à l’acte (mensuel)</Table.Th>
              {rates.map((r) => (
                <Table.Th key={r.rate} colSpan={4} scope="colgroup" ta="center">
                  Taux de fuite {r.ratePercent}
                </Table.Th>
              ))}
            </Table.Tr>
            <Table.Tr>
              {rates.map((r) => [
                <Table.Th key={`${r.rate}-nm`} scope="col">Net mensuel</Table.Th>,
                <Table.Th key={`${r.rate}-na`} scope="col">Net annuel</Table.Th>,
                <Table.Th key={`${r.rate}-em`} scope="col">Écart mensuel</Table.Th>,
                <Table.Th key={`${r.rate}-ea`} scope="col">Écart annuel</Table.Th>,
              ])}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {sim.doctors.map((d) => (
              <Table.Tr key={d.practitionerId}>
                <Table.Th scope="row" fw={600}>
                  Dr {d.firstName} {d.lastName}
                  <Text size="xs" fw={400}>RPPS {d.rpps}</Text>
                </Table.Th>
                <Table.Td>
                  {formatInteger(d.mtPatients)} / {formatInteger(d.paidPatients)}
                </Table.Td>
                <Table.Td>
                  {d.currentIncome.monthlyCents === null ? '—' : formatCents(d.currentIncome.monthlyCents)}{' '}
                  <Text size="xs" fs="italic">
                    {INCOME_SOURCE_LABELS[d.currentIncome.source]}
                  </Text>
                </Table.Td>
                {d.byRate.map((r) => [
                  <Table.Td key={`${r.rate}-nm`}>{formatCents(r.netMonthlyCents)}</Table.Td>,
                  <Table.Td key={`${r.rate}-na`}>{formatCents(r.netAnnualCents)}</Table.Td>,
                  <Table.Td key={`${r.rate}-em`} data-gap={r.gapMonthlyCents ?? ''}>{formatSignedCents(r.gapMonthlyCents)}</Table.Td>,
                  <Table.Td key={`${r.rate}-ea`}>{formatSignedCents(r.gapAnnualCents)}</Table.Td>,
                ])}
              </Table.Tr>
            ))}
          </Table.Tbody>
          <Table.Tfoot>
            <Table.Tr>
              <Table.Th scope="row">Structure</Table.Th>
              <Table.Td>
                {formatInteger(sim.structure.mtPatients)} / {formatInteger(sim.structure.paidPatients)}
              </Table.Td>
              <Table.Td />
              {rates.map((r) => [
                <Table.Td key={`${r.rate}-nm`}>{formatCents(r.netMonthlyCents)}</Table.Td>,
                <Table.Td key={`${r.rate}-na`}>{formatCents(r.netAnnualCents)}</Table.Td>,
                <Table.Td key={`${r.rate}-em`} />,
                <Table.Td key={`${r.rate}-ea`} />,
              ])}
            </Table.Tr>
          </Table.Tfoot>
        </Table>
      </div>
    </ScrollArea>
  );
}

/** Where each doctor's current income comes from, in words (the API's `detail`). */
export function IncomeSources({ sim }: { sim: Simulation }) {
  return (
    <ul style={{ margin: 0, paddingLeft: 18 }}>
      {sim.doctors.map((d) => (
        <li key={d.practitionerId}>
          <Text size="sm">
            Dr {d.firstName} {d.lastName} : {d.currentIncome.detail}.
          </Text>
        </li>
      ))}
    </ul>
  );
}
