import { Alert, Badge, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { CHART_COLORS, BarChart, LineChart } from '../components/Charts';
import { DownloadButton } from '../components/DownloadButton';
import { EmptyState } from '../components/EmptyState';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { plottable, shownText, SuppressedValue, type Shown } from '../components/Suppressed';
import { formatCents, formatCentsCompact, formatCentsWhole, formatInteger, formatMonth, formatShortMonth } from '../format';
import { IndicatorsNav } from './IndicatorsNav';

export type Programme = ApiData<'/indicators/programme'>;
const YEARS = [2026, 2027, 2028, 2029, 2030];
const LINE_LABELS: Record<string, string> = { ipso: 'Structures ipso', nonIpso: 'Structures hors ipso' };
/** The programme runs May 2026 – April 2030 (RULES.md); exports cover it all. */
export const PROGRAMME_PERIOD = { from: '2026-05', to: '2030-04' };

const int = (n: number) => formatInteger(n);
const kilo = (n: number) => (n >= 1000 ? `${formatInteger(Math.round(n / 100) / 10)} k` : formatInteger(n));

function useProgramme(year: number) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['programme', year],
    queryFn: async () => (await call(api.GET('/indicators/programme', { params: { query: { year } as never } }))) as Programme,
  });
}

/** COPIL programme dashboard: trajectory vs target, forfaits vs FISS budget with the year-end projection, non-ipso milestones. */
export function ProgrammePage() {
  const [year, setYear] = useState(2027);
  const q = useProgramme(year);
  const p = q.data;
  return (
    <>
      <PageTitle>Indicateurs COPIL</PageTitle>
      <IndicatorsNav />
      <Group align="flex-end" justify="space-between" mb="md" gap="md">
        <NativeSelect label="Année budgétaire" value={String(year)} onChange={(e) => setYear(Number(e.currentTarget.value))} data={YEARS.map(String)} w={180} />
        <Group align="flex-start" gap="sm">
          <DownloadButton path="/indicators/export.csv" query={PROGRAMME_PERIOD} label="Exporter en CSV" fallbackName="indicateurs.csv" />
          <DownloadButton path="/indicators/report.pdf" query={{ ...PROGRAMME_PERIOD, year }} label="Rapport PDF pour le COPIL" fallbackName="indicateurs-copil.pdf" />
        </Group>
      </Group>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="du tableau de bord" />
      {p && <ProgrammeView p={p} />}
    </>
  );
}

function ProgrammeView({ p }: { p: Programme }) {
  const hasFigures = p.trajectory.some((t) => t.patients !== 0 || t.doctors !== 0) || p.budget.some((b) => b.paidCents !== 0);
  return (
    <Stack gap="xl">
      {p.suppressed && (
        <Text>
          Secret statistique : tout effectif inférieur à 11 (et les montants qui en découlent) est affiché « &lt; 11 ». Les graphiques laissent ces points vides.
        </Text>
      )}
      {(p.budgetAlert || p.total.alert) && (
        <Alert color="red" title="Alerte budgétaire" role="alert">
          La projection de fin d’année {p.year} dépasse l’enveloppe FISS d’au moins une ligne. Examinez la ligne signalée ci-dessous et préparez l’arbitrage du COPIL.
        </Alert>
      )}
      {!hasFigures && (
        <EmptyState title="Aucun relevé émis pour l’instant">
          La trajectoire et les forfaits versés se rempliront avec les premiers relevés mensuels des structures. Les cibles du programme sont déjà affichées.
        </EmptyState>
      )}
      <Trajectory p={p} />
      <Budget p={p} />
      <Milestones p={p} />
    </Stack>
  );
}

function Section({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby={id}>
      <Title order={2} size="h3" id={id} mb="sm">
        {title}
      </Title>
      {children}
    </Paper>
  );
}

function Trajectory({ p }: { p: Programme }) {
  const t = p.trajectory;
  const labels = t.map((r) => formatShortMonth(r.at));
  const describe = (key: 'patients' | 'doctors', target: 'targetPatients' | 'targetDoctors') =>
    t.map((r) => `${formatMonth(r.at)} : ${shownText(r[key] as Shown, int)} pour une cible de ${int(r[target])}`).join(' ; ');
  return (
    <Section id="trajectoire" title="Trajectoire : patients et médecins engagés contre la cible">
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack gap="lg">
          <LineChart
            title="Patients inclus contre la cible"
            description={describe('patients', 'targetPatients')}
            labels={labels}
            formatY={kilo}
            series={[
              { name: 'Cible de patients', values: t.map((r) => r.targetPatients), color: CHART_COLORS.target, dashed: true },
              { name: 'Patients inclus', values: t.map((r) => plottable(r.patients as Shown)), color: CHART_COLORS.primary },
            ]}
          />
          <LineChart
            title="Médecins engagés contre la cible"
            description={describe('doctors', 'targetDoctors')}
            labels={labels}
            formatY={int}
            series={[
              { name: 'Cible de médecins', values: t.map((r) => r.targetDoctors), color: CHART_COLORS.target, dashed: true },
              { name: 'Médecins', values: t.map((r) => plottable(r.doctors as Shown)), color: CHART_COLORS.secondary },
            ]}
          />
        </Stack>
        <FigureTable
          caption="Trajectoire par échéance"
          rows={t}
          rowKey={(r) => r.at}
          columns={[
            { header: 'Échéance', cell: (r) => formatMonth(r.at) },
            { header: 'Patients (cible)', numeric: true, cell: (r) => int(r.targetPatients) },
            { header: 'Patients inclus', numeric: true, cell: (r) => <SuppressedValue value={r.patients as Shown} format={int} /> },
            { header: 'Médecins (cible)', numeric: true, cell: (r) => int(r.targetDoctors) },
            { header: 'Médecins', numeric: true, cell: (r) => <SuppressedValue value={r.doctors as Shown} format={int} /> },
          ]}
        />
      </SimpleGrid>
    </Section>
  );
}

function Budget({ p }: { p: Programme }) {
  const rows = p.budget;
  const label = (l: string) => LINE_LABELS[l] ?? l;
  return (
    <Section id="budget" title={`Forfaits versés contre le budget FISS ${p.year}, avec la projection de fin d’année`}>
      <SimpleGrid cols={{ base: 1, xl: 2 }} spacing="lg">
        <BarChart
          title="Budget, versé et projeté par ligne"
          description={rows
            .map((b) => `${label(b.line)} : budget ${formatCentsWhole(b.budgetCents)}, versé ${shownText(b.paidCents as Shown, formatCentsWhole)}, projection ${shownText(b.projectedCents as Shown, formatCentsWhole)}`)
            .join(' ; ')}
          labels={rows.map((b) => label(b.line))}
          formatY={formatCentsCompact}
          series={[
            { name: 'Budget FISS', values: rows.map((b) => b.budgetCents), color: CHART_COLORS.target },
            { name: 'Versé', values: rows.map((b) => plottable(b.paidCents as Shown)), color: CHART_COLORS.primary },
            { name: 'Projection fin d’année', values: rows.map((b) => plottable(b.projectedCents as Shown)), color: CHART_COLORS.secondary },
          ]}
        />
        <Stack gap="sm">
          <FigureTable
            caption={`Budget ${p.year} par ligne`}
            rows={rows}
            rowKey={(b) => b.line}
            columns={[
              { header: 'Ligne', cell: (b) => label(b.line) },
              { header: 'Budget FISS', numeric: true, cell: (b) => formatCents(b.budgetCents) },
              { header: 'Versé', numeric: true, cell: (b) => <SuppressedValue value={b.paidCents as Shown} format={formatCents} /> },
              { header: 'Projection fin d’année', numeric: true, cell: (b) => <SuppressedValue value={b.projectedCents as Shown} format={formatCents} /> },
              { header: 'Mois restants', numeric: true, cell: (b) => int(b.monthsLeft) },
              {
                header: 'Alerte',
                cell: (b) =>
                  b.alert ? (
                    <Badge color="red.9" variant="filled" tt="none">
                      Dépassement projeté
                    </Badge>
                  ) : (
                    <Text size="sm">Dans le budget</Text>
                  ),
              },
            ]}
          />
          <Text size="sm">
            Enveloppe totale {p.year} : {formatCents(p.total.budgetCents)} — {p.total.alert ? 'projection au-delà de l’enveloppe.' : 'projection dans l’enveloppe.'} La projection
            prolonge le rythme des derniers mois versés jusqu’en décembre.
          </Text>
        </Stack>
      </SimpleGrid>
    </Section>
  );
}

function Milestones({ p }: { p: Programme }) {
  const n = p.nonIpso;
  return (
    <Section id="jalons" title="Jalons des structures hors ipso">
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md" mb="md">
        <Paper withBorder p="sm">
          <Text size="sm">Structures hors ipso retenues</Text>
          <Text fw={700} size="xl">
            <SuppressedValue value={n.selected as Shown} format={int} />
          </Text>
          <Text size="sm">Objectif : au moins 2 (CTIS de mars et de juin 2027).</Text>
        </Paper>
        <Paper withBorder p="sm">
          <Text size="sm">Dont dans une aire d’attraction de moins de 300 000 habitants</Text>
          <Text fw={700} size="xl">
            <SuppressedValue value={n.aavUnder300k as Shown} format={int} />
          </Text>
          <Text size="sm">Objectif : au moins 2.</Text>
        </Paper>
      </SimpleGrid>
      {n.aavSizes.length === 0 ? (
        <Text>Aucune structure hors ipso retenue pour l’instant : les aires d’attraction des structures retenues s’afficheront ici.</Text>
      ) : (
        <FigureTable
          caption="Aire d’attraction des structures retenues"
          rows={n.aavSizes}
          rowKey={(a) => a.structureId}
          columns={[
            { header: 'Aire (code AAV 2020)', cell: (a) => a.aavCode ?? 'Inconnue' },
            { header: 'Population de l’aire', numeric: true, cell: (a) => (a.population == null ? '—' : int(a.population)) },
          ]}
        />
      )}
    </Section>
  );
}
