import { Anchor, Badge, Button, Group, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import { messageOf } from '../api/problem';
import { canManageStatements } from '../auth/access';
import { useAuth, useMe } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDate, formatMonth, ofMonth } from '../format';
import { defaultRunMonth, programmeMonths, STATEMENT_STATUS } from './labels';
import { isActive, RunProgress } from './RunProgress';
import { useRun, useStructure, type Run, type StatementSummary } from './statements-api';

export function StatusBadge({ status }: { status: string }) {
  const s = STATEMENT_STATUS[status] ?? { label: status, color: 'gray' };
  return (
    <Badge color={s.color} variant={status === 'issued' ? 'filled' : 'outline'} tt="none">
      {s.label}
    </Badge>
  );
}

/** Running a month: month picker, the request (202), then the run's progress until done or failed. */
function RunMonth({ structureId, lastRuns }: { structureId: string; lastRuns: Run[] }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const months = useMemo(() => programmeMonths(), []);
  const [month, setMonth] = useState(defaultRunMonth);
  const [runId, setRunId] = useState<string | null>(null);
  const request = useMutation({
    mutationFn: async () => call(api.POST('/structures/{structureId}/statement-runs', { params: { path: { structureId } }, body: { month } })),
    onSuccess: (r) => setRunId(r.run.id),
  });
  // A run still going on when the page opens (another tab, a reload) is followed too.
  const run = useRun(structureId, runId ?? lastRuns.find(isActive)?.id ?? null);
  const status = run.data?.status;
  useEffect(() => {
    if (status === 'done' || status === 'failed') {
      void queryClient.invalidateQueries({ queryKey: ['statements', structureId] });
      void queryClient.invalidateQueries({ queryKey: ['statement-runs', structureId] });
    }
  }, [status, queryClient, structureId]);
  const busy = request.isPending || isActive(run.data);
  return (
    <Paper withBorder p="md" component="form" aria-labelledby="run-month" onSubmit={(e) => { e.preventDefault(); request.mutate(); }}>
      <Title order={2} size="h3" id="run-month" mb="xs">
        Calculer un mois
      </Title>
      <Text size="sm" mb="sm">
        Le calcul lit la patientèle, les critères et l’activité importés, applique les règles du programme et produit un relevé en brouillon. Relancer un mois
        remplace son brouillon ; relancer un mois déjà émis prépare une version corrigée.
      </Text>
      <Group align="flex-end">
        <NativeSelect label="Mois à calculer" value={month} onChange={(e) => setMonth(e.currentTarget.value)} data={months.map((m) => ({ value: m, label: formatMonth(m) }))} w={220} />
        <Button type="submit" loading={request.isPending} disabled={busy}>
          Lancer le calcul
        </Button>
      </Group>
      <Stack mt="sm" gap="xs" aria-live="polite">
        {request.error && (
          <Text c="red.9" role="alert">
            {messageOf(request.error)}
          </Text>
        )}
        {request.data?.duplicate && <Text size="sm">Ce mois est déjà en cours de calcul : voici son avancement.</Text>}
        {run.error && (
          <Text c="red.9" role="alert">
            Avancement indisponible : {messageOf(run.error)}
          </Text>
        )}
        {run.data && (
          <RunProgress
            run={run.data}
            done={
              run.data.statementId && (
                <Anchor component={Link} to={`/structures/${structureId}/releves/${run.data.statementId}`}>
                  Ouvrir le relevé {ofMonth(run.data.month)}
                </Anchor>
              )
            }
          />
        )}
      </Stack>
    </Paper>
  );
}

/** Issue #6 §1–§3 in the web app: run a month, follow it, list the statements by month and version. */
export function StatementsPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const me = useMe();
  const manage = canManageStatements(me, structureId);
  const structure = useStructure(structureId);
  const list = useQuery({
    queryKey: ['statements', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/statements', { params: { path: { structureId } } }))) as StatementSummary[],
  });
  const runs = useQuery({
    queryKey: ['statement-runs', structureId],
    enabled: manage,
    queryFn: async () => (await call(api.GET('/structures/{structureId}/statement-runs', { params: { path: { structureId } } }))) as Run[],
  });
  const columns = useMemo<ColumnDef<StatementSummary, unknown>[]>(
    () => [
      {
        id: 'month',
        header: 'Mois',
        accessorFn: (s) => `${s.month}-${String(s.version).padStart(3, '0')}`,
        cell: ({ row: { original: s } }) => (
          <Anchor component={Link} to={`/structures/${structureId}/releves/${s.id}`}>
            {formatMonth(s.month)}
            {s.version > 1 ? ` (version ${s.version})` : ''}
          </Anchor>
        ),
      },
      { id: 'version', header: 'Version', accessorKey: 'version' },
      { id: 'status', header: 'Statut', accessorFn: (s) => STATEMENT_STATUS[s.status]?.label ?? s.status, cell: ({ row: { original: s } }) => <StatusBadge status={s.status} /> },
      { id: 'number', header: 'Numéro', accessorKey: 'number' },
      { id: 'net', header: 'Total net', accessorKey: 'netCents', cell: ({ row: { original: s } }) => formatCents(s.netCents) },
      { id: 'issued', header: 'Émis le', accessorFn: (s) => s.issuedAt ?? '', cell: ({ row: { original: s } }) => (s.issuedAt ? formatDate(s.issuedAt.slice(0, 10)) : '—') },
    ],
    [structureId],
  );
  const noEntry = structure.data && !structure.data.conventionEntryDate;
  return (
    <>
      <PageTitle>Relevés mensuels</PageTitle>
      <Stack gap="lg">
        {structure.data && (
          <Text>
            {structure.data.name} — {structure.data.ipsoNetwork ? 'structure du réseau ipso santé' : 'structure hors réseau ipso'}
            {structure.data.conventionEntryDate ? `, entrée dans le programme le ${formatDate(structure.data.conventionEntryDate)}` : ''}.
          </Text>
        )}
        {noEntry && (
          <EmptyState title="Aucun mois ne peut encore être calculé">
            La date d’entrée de la structure dans le programme (convention CNAM) n’est pas renseignée. L’équipe ipso la saisit une fois la convention signée ; les
            calculs mensuels seront alors possibles ici.
          </EmptyState>
        )}
        {manage && structure.data?.conventionEntryDate && <RunMonth structureId={structureId} lastRuns={runs.data ?? []} />}
        <section aria-labelledby="statements-list">
          <Title order={2} size="h3" id="statements-list" mb="sm">
            Relevés par mois
          </Title>
          <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="des relevés" />
          {list.data &&
            (list.data.length === 0 ? (
              <EmptyState title="Aucun relevé pour l’instant">
                {manage
                  ? 'Choisissez un mois ci-dessus et lancez son calcul : le relevé en brouillon apparaîtra ici, à vérifier puis émettre.'
                  : 'La coordination de la structure lance le calcul de chaque mois ; les relevés apparaîtront ici dès le premier calcul.'}
              </EmptyState>
            ) : (
              <DataTable data={list.data} columns={columns} caption="Relevés par mois et version" empty="Aucun relevé." getRowId={(s) => s.id} />
            ))}
        </section>
      </Stack>
    </>
  );
}
