import { Table, Text } from '@mantine/core';
import { formatCents, formatInteger, formatSignedCents } from '../format';
import { lineLabel } from './labels';

type Amount = { patientCount: number; amountCents: number } | null;
export interface StatementDiff {
  supersedesNumber: string;
  netBeforeCents: number;
  netAfterCents: number;
  deltaCents: number;
  lines: { practitionerId: string; lineCode: string; before: Amount; after: Amount; deltaCents: number }[];
}

const cell = (a: Amount) => (a ? `${formatInteger(a.patientCount)} patient(s), ${formatCents(a.amountCents)}` : '—');
const right = { textAlign: 'right' as const, whiteSpace: 'nowrap' as const };

/**
 * The correction diff of a new version against the issued one it supersedes: one row per doctor ×
 * line that changed (added, removed or different), before / after / difference, and the totals.
 * Doctors are named from the statement (a doctor no longer on it keeps their id).
 */
export function DiffTable({ diff, doctorName }: { diff: StatementDiff; doctorName: (practitionerId: string) => string }) {
  const changed = diff.lines.filter((l) => l.deltaCents !== 0 || l.before?.patientCount !== l.after?.patientCount);
  return (
    <div>
      <Text mb="sm">
        Par rapport au relevé émis {diff.supersedesNumber} : total net {formatCents(diff.netBeforeCents)} → {formatCents(diff.netAfterCents)}, soit{' '}
        <strong>{formatSignedCents(diff.deltaCents)}</strong>.
      </Text>
      {changed.length === 0 ? (
        <Text>Aucune ligne ne change : cette version reprend les mêmes montants que la version émise.</Text>
      ) : (
        <div role="region" aria-label="Différence avec la version émise" tabIndex={0} style={{ overflowX: 'auto' }}>
          <Table miw={640} striped withTableBorder verticalSpacing="xs">
            <Table.Caption style={{ captionSide: 'top', textAlign: 'left', fontWeight: 600, color: '#212529' }}>Différence avec la version émise</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">Médecin traitant</Table.Th>
                <Table.Th scope="col">Ligne</Table.Th>
                <Table.Th scope="col" style={right}>
                  Avant
                </Table.Th>
                <Table.Th scope="col" style={right}>
                  Après
                </Table.Th>
                <Table.Th scope="col" style={right}>
                  Écart
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {changed.map((l) => (
                <Table.Tr key={`${l.practitionerId}-${l.lineCode}`} data-change={!l.before ? 'added' : !l.after ? 'removed' : 'changed'}>
                  <Table.Th scope="row" fw={500}>
                    {doctorName(l.practitionerId)}
                  </Table.Th>
                  <Table.Td>
                    {lineLabel(l.lineCode)}
                    {!l.before && <Text span size="sm"> (nouvelle ligne)</Text>}
                    {!l.after && <Text span size="sm"> (ligne retirée)</Text>}
                  </Table.Td>
                  <Table.Td style={right}>{cell(l.before)}</Table.Td>
                  <Table.Td style={right}>{cell(l.after)}</Table.Td>
                  <Table.Td style={right} fw={600} c={l.deltaCents < 0 ? 'red.9' : undefined}>
                    {formatSignedCents(l.deltaCents)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
            <Table.Tfoot>
              <Table.Tr>
                <Table.Th scope="row" colSpan={2}>
                  Total net
                </Table.Th>
                <Table.Td style={right}>{formatCents(diff.netBeforeCents)}</Table.Td>
                <Table.Td style={right}>{formatCents(diff.netAfterCents)}</Table.Td>
                <Table.Td style={right} fw={700}>
                  {formatSignedCents(diff.deltaCents)}
                </Table.Td>
              </Table.Tr>
            </Table.Tfoot>
          </Table>
        </div>
      )}
    </div>
  );
}
