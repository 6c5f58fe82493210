import { Anchor, Button, Group, NativeSelect, Paper, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { call } from '../api/client';
import { messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { EmptyState } from '../components/EmptyState';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDateTime, formatMonth, ofMonth } from '../format';
import { defaultRunMonth, programmeMonths } from '../statements/labels';
import { isActive, RunProgress } from '../statements/RunProgress';

type Runs = ApiData<'/statement-runs'>;

/** ipso: the month of every active structure at once (POST /statement-runs), followed structure by structure. */
export function RunsPage() {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const months = useMemo(() => programmeMonths(), []);
  const [month, setMonth] = useState(defaultRunMonth);
  const q = useQuery({
    queryKey: ['statement-runs-all', month],
    queryFn: async () => (await call(api.GET('/statement-runs', { params: { query: { month } as never } }))) as Runs,
    refetchInterval: (query) => (query.state.data?.some(isActive) ? 1000 : false),
  });
  const runAll = useMutation({
    mutationFn: async () => call(api.POST('/statement-runs', { body: { month } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['statement-runs-all', month] }),
  });
  const runs = q.data ?? [];
  const active = runs.filter(isActive).length;
  return (
    <>
      <PageTitle>Calculs du mois</PageTitle>
      <Stack gap="lg">
        <Paper withBorder p="md" component="form" aria-labelledby="run-all" onSubmit={(e) => { e.preventDefault(); runAll.mutate(); }}>
          <Title order={2} size="h3" id="run-all" mb="xs">
            Lancer le mois pour toutes les structures actives
          </Title>
          <Text size="sm" mb="sm">
            Chaque structure active ayant une date d’entrée reçoit son calcul (brouillon) ; un mois déjà en cours n’est pas relancé. Chaque coordination vérifie
            puis émet son relevé.
          </Text>
          <Group align="flex-end">
            <NativeSelect label="Mois" value={month} onChange={(e) => setMonth(e.currentTarget.value)} data={months.map((m) => ({ value: m, label: formatMonth(m) }))} w={220} />
            <Button type="submit" loading={runAll.isPending}>
              Lancer pour toutes les structures
            </Button>
          </Group>
          <div aria-live="polite">
            {runAll.error && (
              <Text c="red.9" mt="sm" role="alert">
                {messageOf(runAll.error)}
              </Text>
            )}
            {runAll.data && (
              <Text c="#1b5e20" mt="sm">
                {runAll.data.length} calcul(s) demandé(s) pour {formatMonth(month)}.
              </Text>
            )}
          </div>
        </Paper>
        <section aria-labelledby="runs-progress">
          <Title order={2} size="h3" id="runs-progress" mb="sm">
            Avancement {ofMonth(month)}
          </Title>
          <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="de l’avancement" />
          {q.data &&
            (runs.length === 0 ? (
              <EmptyState title={`Aucun calcul pour ${formatMonth(month)}`}>
                Lancez le mois ci-dessus : chaque structure active apparaîtra ici avec l’avancement de son calcul et, en cas d’échec, le motif à corriger.
              </EmptyState>
            ) : (
              <>
                <Text mb="sm" role="status">
                  {active > 0 ? `${active} calcul(s) en cours sur ${runs.length}.` : `${runs.length} calcul(s), aucun en cours.`}
                </Text>
                <FigureTable
                  caption={`Calculs ${ofMonth(month)} par structure`}
                  rows={runs}
                  rowKey={(r) => r.id}
                  columns={[
                    {
                      header: 'Structure',
                      cell: (r) => (
                        <Anchor component={Link} to={`/structures/${r.structureId}/releves`}>
                          {r.structureName ?? r.structureId}
                        </Anchor>
                      ),
                    },
                    { header: 'Demandé le', cell: (r) => formatDateTime(r.createdAt) },
                    {
                      header: 'Avancement',
                      cell: (r) => (
                        <div style={{ minWidth: 240 }}>
                          <RunProgress
                            run={r}
                            compact
                            done={
                              r.statementId && (
                                <Anchor component={Link} to={`/structures/${r.structureId}/releves/${r.statementId}`} size="sm">
                                  Ouvrir le relevé<VisuallyHidden> de {r.structureName}</VisuallyHidden>
                                </Anchor>
                              )
                            }
                          />
                        </div>
                      ),
                    },
                  ]}
                />
              </>
            ))}
        </section>
      </Stack>
    </>
  );
}
