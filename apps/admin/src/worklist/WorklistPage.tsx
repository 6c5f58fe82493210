import { Alert, Group, Paper, Radio, SimpleGrid, Stack, Text } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { DownloadButton } from '../components/DownloadButton';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDate, formatInteger, formatMonth } from '../format';
import { lineLabel } from '../statements/labels';

type Worklist = ApiData<'/structures/{structureId}/worklist'>;
type Item = Worklist['items'][number];

/** The API's kind order (sort=kind). */
const KIND_ORDER = ['mentalHealthAssessment', 'cvRiskAssessment', 'iadlAssessment', 'mdphAssessment', 'consommantEnding', 'anniversaryNeverSeen', 'obstetricCap'];
const HORIZONS = ['30', '60', '90'] as const;

const days = (n: number) => (n < 0 ? `dépassée de ${formatInteger(-n)} j` : n === 0 ? 'aujourd’hui' : `dans ${formatInteger(n)} j`);

/** Issue #6 §6 in the web app: what the structure will stop being paid without action, and what to do. */
export function WorklistPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const [horizon, setHorizon] = useState<(typeof HORIZONS)[number]>('30');
  const q = useQuery({
    queryKey: ['worklist', structureId, horizon],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      (await call(api.GET('/structures/{structureId}/worklist', { params: { path: { structureId }, query: { horizonDays: horizon, sort: 'amount' } as never } }))) as Worklist,
  });
  const columns = useMemo<ColumnDef<Item, unknown>[]>(
    () => [
      { id: 'patient', header: 'Patient', accessorKey: 'patientId' },
      { id: 'mt', header: 'Médecin traitant', accessorFn: (i) => i.mtName ?? i.mtRpps ?? '—' },
      { id: 'kind', header: 'Type', accessorFn: (i) => KIND_ORDER.indexOf(i.kind), cell: ({ row: { original: i } }) => i.kindLabel },
      { id: 'lines', header: 'Lignes en jeu', enableSorting: false, accessorFn: (i) => i.lines.map(lineLabel).join(', ') },
      {
        id: 'date',
        header: 'Date',
        accessorKey: 'date',
        cell: ({ row: { original: i } }) => (
          <>
            <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
              {formatDate(i.date)}
            </Text>
            <Text size="xs" c="gray.8">
              {days(i.daysLeft)}
              {i.lostFromMonth ? `, perdu dès ${formatMonth(i.lostFromMonth)}` : ''}
            </Text>
          </>
        ),
      },
      {
        id: 'amount',
        header: 'Montant mensuel en jeu',
        accessorKey: 'amountAtStakeCents',
        sortDescFirst: true,
        cell: ({ row: { original: i } }) => <Text ta="right" fw={600} style={{ whiteSpace: 'nowrap' }}>{formatCents(i.amountAtStakeCents)}</Text>,
      },
      { id: 'action', header: 'Que faire', enableSorting: false, accessorKey: 'action', cell: ({ row: { original: i } }) => <Text size="sm" miw={220}>{i.action}</Text> },
    ],
    [],
  );
  const w = q.data;
  return (
    <>
      <PageTitle>Manque à gagner</PageTitle>
      <Text mb="md" maw={820}>
        Les patients dont un forfait ou une brique cessera d’être payé sans action de l’équipe : mesure à renouveler, consultation à programmer, fin de droits.
        Le montant est le forfait mensuel net en jeu, au taux de fuite théorique de la structure.
      </Text>
      <Stack gap="md">
        <Group align="flex-end" justify="space-between">
          <Radio.Group label="Horizon" value={horizon} onChange={(v) => setHorizon(v as (typeof HORIZONS)[number])}>
            <Group mt={4}>
              {HORIZONS.map((h) => (
                <Radio key={h} value={h} label={`${h} jours`} />
              ))}
            </Group>
          </Radio.Group>
          <DownloadButton path={`/structures/${structureId}/worklist.csv`} query={{ horizonDays: horizon, sort: 'amount' }} label="Exporter en CSV" fallbackName="manque-a-gagner.csv" />
        </Group>
        <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="de la liste de travail" />
        {w && (
          <>
            {w.notice && (
              <Alert color="blue" title="À savoir">
                {w.notice}
              </Alert>
            )}
            {w.restrictedToMtRpps && <Text size="sm">Vous voyez seulement les patients dont vous êtes le médecin traitant.</Text>}
            <Paper withBorder p="md" role="status" aria-live="polite">
              <SimpleGrid cols={{ base: 1, sm: 3 }}>
                <div>
                  <Text size="sm" c="gray.8">Éléments à traiter</Text>
                  <Text fw={700}>{formatInteger(w.totals.items)}</Text>
                </div>
                <div>
                  <Text size="sm" c="gray.8">Montant mensuel en jeu</Text>
                  <Text fw={700}>{formatCents(w.totals.amountAtStakeCents)}</Text>
                </div>
                <div>
                  <Text size="sm" c="gray.8">Au</Text>
                  <Text fw={700}>
                    {formatDate(w.asOf)}, horizon {w.horizonDays} jours
                  </Text>
                </div>
              </SimpleGrid>
            </Paper>
            {w.items.length === 0 ? (
              <EmptyState title="Rien à rattraper dans cet horizon">
                Aucun forfait ne sera perdu dans les {w.horizonDays} prochains jours faute d’action. Élargissez l’horizon pour préparer les semaines suivantes, et
                revenez après chaque import d’activité.
              </EmptyState>
            ) : (
              <DataTable data={w.items} columns={columns} caption="Manque à gagner : éléments à traiter" searchLabel="Rechercher (patient, médecin, type)" empty="Aucun élément." />
            )}
          </>
        )}
      </Stack>
    </>
  );
}
