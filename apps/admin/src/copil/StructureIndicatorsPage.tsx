import { Alert, Button, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { CHART_COLORS, LineChart } from '../components/Charts';
import { DownloadButton } from '../components/DownloadButton';
import { EmptyState } from '../components/EmptyState';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { plottable, shownText, SuppressedValue, type Shown } from '../components/Suppressed';
import { formatCents, formatCentsCompact, formatCentsWhole, formatInteger, formatMonth, formatShortMonth } from '../format';
import { IndicatorsNav } from './IndicatorsNav';
import { PROGRAMME_PERIOD } from './ProgrammePage';

type Series = ApiData<'/indicators'>[number];
type Row = Series['rows'][number];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const int = (n: number) => formatInteger(n);

/** Per-structure indicators by month (suppressed « < 11 » for the COPIL), each chart with its table. */
export function StructureIndicatorsPage() {
  const { api } = useAuth();
  const [draft, setDraft] = useState(PROGRAMME_PERIOD);
  const [period, setPeriod] = useState(PROGRAMME_PERIOD);
  const [chosen, setChosen] = useState<string | null>(null);
  const periodError = !MONTH.test(draft.from) || !MONTH.test(draft.to) ? 'Saisissez deux mois au format AAAA-MM.' : draft.from > draft.to ? 'Le mois de début doit précéder le mois de fin.' : null;
  const q = useQuery({
    queryKey: ['indicators', period.from, period.to],
    queryFn: async () => (await call(api.GET('/indicators', { params: { query: period as never } }))) as Series[],
  });
  const all = q.data ?? [];
  const current = all.find((s) => s.structureId === chosen) ?? all.find((s) => s.rows.length > 0) ?? all[0];
  return (
    <>
      <PageTitle>Indicateurs par structure</PageTitle>
      <IndicatorsNav />
      <Paper withBorder p="md" mb="md" component="form" aria-label="Choix de la structure et de la période" onSubmit={(e) => {
        e.preventDefault();
        if (!periodError) setPeriod(draft);
      }}>
        <Group align="flex-end" gap="md">
          <NativeSelect
            label="Structure"
            value={current?.structureId ?? ''}
            onChange={(e) => setChosen(e.currentTarget.value)}
            data={all.map((s) => ({ value: s.structureId, label: `${s.structureName}${s.ipsoNetwork ? ' (ipso)' : ''}` }))}
            disabled={all.length === 0}
            miw={260}
          />
          <TextInput label="Du mois (AAAA-MM)" value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.currentTarget.value })} w={160} error={periodError ? true : undefined} />
          <TextInput label="Au mois (AAAA-MM)" value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.currentTarget.value })} w={160} error={periodError ? true : undefined} />
          <Button type="submit" variant="default">
            Afficher la période
          </Button>
          <DownloadButton path="/indicators/export.csv" query={period} label="Exporter en CSV" fallbackName="indicateurs.csv" />
          <DownloadButton path="/indicators/report.pdf" query={period} label="Rapport PDF" fallbackName="indicateurs-copil.pdf" />
        </Group>
        {periodError && (
          <Text c="red.9" size="sm" mt="xs" role="alert">
            {periodError}
          </Text>
        )}
      </Paper>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="des indicateurs" />
      {q.data && all.length === 0 && <EmptyState title="Aucune structure suivie">Aucune structure n’est encore dans le programme : les indicateurs apparaîtront avec la première structure active.</EmptyState>}
      {current && <StructureView s={current} />}
    </>
  );
}

function StructureView({ s }: { s: Series }) {
  const rows = s.rows;
  if (rows.length === 0) {
    return (
      <EmptyState title={`Aucun indicateur pour ${s.structureName} sur cette période`}>
        Les indicateurs sont calculés à partir des relevés mensuels émis. Choisissez une autre période, ou attendez le premier relevé de la structure.
      </EmptyState>
    );
  }
  const labels = rows.map((r) => formatShortMonth(r.month));
  const desc = (key: keyof Row, f: (n: number) => string) => rows.map((r) => `${formatMonth(r.month)} : ${shownText(r[key] as Shown, f)}`).join(' ; ');
  return (
    <Stack gap="xl">
      {s.suppressed && (
        <Alert color="blue" title="Secret statistique" variant="light">
          Les effectifs inférieurs à 11, et les montants qui en découlent, sont affichés « &lt; 11 » ; les graphiques laissent ces mois vides.
        </Alert>
      )}
      <Paper withBorder p="md" component="section" aria-labelledby="patients-mois">
        <Title order={2} size="h3" id="patients-mois" mb="sm">
          Patients par mois — {s.structureName}
        </Title>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <LineChart
            title="Patients médecin traitant, inclus et consommants"
            description={`Inclus : ${desc('included', int)}`}
            labels={labels}
            formatY={int}
            series={[
              { name: 'Patients médecin traitant', values: rows.map((r) => plottable(r.patientsMt as Shown)), color: CHART_COLORS.target, dashed: true },
              { name: 'Inclus', values: rows.map((r) => plottable(r.included as Shown)), color: CHART_COLORS.primary },
              { name: 'Consommants', values: rows.map((r) => plottable(r.consommant as Shown)), color: CHART_COLORS.secondary },
            ]}
          />
          <FigureTable
            caption="Patients par mois"
            rows={rows}
            rowKey={(r) => r.month}
            columns={[
              { header: 'Mois', cell: (r) => formatMonth(r.month) },
              { header: 'Patients MT', numeric: true, cell: (r) => <SuppressedValue value={r.patientsMt as Shown} format={int} /> },
              { header: 'Inclus', numeric: true, cell: (r) => <SuppressedValue value={r.included as Shown} format={int} /> },
              { header: 'Consommants', numeric: true, cell: (r) => <SuppressedValue value={r.consommant as Shown} format={int} /> },
              { header: 'Nouvelles inclusions', numeric: true, cell: (r) => <SuppressedValue value={r.newInclusions as Shown} format={int} /> },
              { header: 'Médecins', numeric: true, cell: (r) => <SuppressedValue value={r.doctors as Shown} format={int} /> },
            ]}
          />
        </SimpleGrid>
      </Paper>
      <Paper withBorder p="md" component="section" aria-labelledby="forfaits-mois">
        <Title order={2} size="h3" id="forfaits-mois" mb="sm">
          Forfaits par mois — {s.structureName}
        </Title>
        <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
          <LineChart
            title="Forfaits bruts et nets"
            description={`Nets : ${desc('netCents', formatCentsWhole)}`}
            labels={labels}
            formatY={formatCentsCompact}
            series={[
              { name: 'Forfaits bruts', values: rows.map((r) => plottable(r.grossCents as Shown)), color: CHART_COLORS.target, dashed: true },
              { name: 'Forfaits nets (après fuite)', values: rows.map((r) => plottable(r.netCents as Shown)), color: CHART_COLORS.tertiary },
            ]}
          />
          <FigureTable
            caption="Forfaits par mois"
            rows={rows}
            rowKey={(r) => r.month}
            columns={[
              { header: 'Mois', cell: (r) => formatMonth(r.month) },
              { header: 'Bruts', numeric: true, cell: (r) => <SuppressedValue value={r.grossCents as Shown} format={formatCents} /> },
              { header: 'Nets', numeric: true, cell: (r) => <SuppressedValue value={r.netCents as Shown} format={formatCents} /> },
              { header: 'Sauvegarde', numeric: true, cell: (r) => <SuppressedValue value={r.safeguardCents as Shown} format={formatCents} /> },
              { header: 'Oppositions', numeric: true, cell: (r) => <SuppressedValue value={r.oppositions as Shown} format={int} /> },
            ]}
          />
        </SimpleGrid>
      </Paper>
    </Stack>
  );
}
