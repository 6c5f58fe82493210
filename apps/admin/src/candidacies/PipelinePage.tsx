import { Anchor, Badge, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDate, formatDateTime, formatInteger } from '../format';
import { STATE_LABELS, labelOf } from '../labels';
import { StateBadge } from '../pages/StructuresPage';
import { CRITERION_STATUS, STAGES } from './labels';

export type Portfolio = ApiData<'/candidacies'>;
type Candidacy = Portfolio['candidacies'][number];

export function CriterionBadge({ status }: { status: string }) {
  const s = CRITERION_STATUS[status] ?? CRITERION_STATUS.unknown;
  return (
    <Badge color={s.color} variant="outline" tt="none" radius="sm" style={{ flexShrink: 0, overflow: 'visible' }}>
      {s.label}
    </Badge>
  );
}

const MILESTONE_LABELS: Record<string, string> = { met: 'Atteint', pending: 'À venir', missed: 'Manqué' };

/** The ipso team's candidacy pipeline: board by stage, table filtered by state and criterion, programme milestones. */
export function PipelinePage() {
  const { api } = useAuth();
  const q = useQuery({ queryKey: ['candidacies'], queryFn: async () => (await call(api.GET('/candidacies'))) as Portfolio });
  const [state, setState] = useState('');
  const [criterion, setCriterion] = useState('');
  const [status, setStatus] = useState('');
  const p = q.data;
  const criteria = useMemo(() => {
    const m = new Map<string, string>();
    for (const c of p?.candidacies ?? []) for (const k of c.eligibility.criteria) m.set(k.key, k.label);
    return [...m.entries()];
  }, [p]);
  const filtered = (p?.candidacies ?? []).filter(
    (c) => (!state || c.state === state) && (!criterion || c.eligibility.criteria.some((k) => k.key === criterion && (!status || k.status === status))),
  );
  const columns = useMemo<ColumnDef<Candidacy, unknown>[]>(
    () => [
      {
        id: 'name',
        header: 'Structure',
        accessorFn: (c) => c.structureName,
        cell: ({ row }) => (
          <Anchor component={Link} to={`/candidatures/${row.original.structureId}`} fw={600}>
            {row.original.structureName}
          </Anchor>
        ),
      },
      { id: 'city', header: 'Commune', accessorFn: (c) => c.city ?? '—' },
      { id: 'state', header: 'État', accessorFn: (c) => labelOf(STATE_LABELS, c.state), cell: ({ row }) => <StateBadge state={row.original.state} /> },
      { id: 'overall', header: 'Éligibilité', accessorFn: (c) => CRITERION_STATUS[c.eligibility.overall]?.label ?? '', cell: ({ row }) => <CriterionBadge status={row.original.eligibility.overall} /> },
      {
        id: 'failing',
        header: 'Critères non remplis',
        accessorFn: (c) => c.eligibility.criteria.filter((k) => k.status !== 'pass').length,
        cell: ({ row }) => {
          const bad = row.original.eligibility.criteria.filter((k) => k.status !== 'pass');
          return bad.length === 0 ? 'Aucun' : bad.map((k) => `${k.label} (${CRITERION_STATUS[k.status]?.label.toLowerCase()})`).join(' ; ');
        },
      },
      { id: 'updatedAt', header: 'Dernière évolution', accessorFn: (c) => c.updatedAt, cell: ({ row }) => formatDateTime(row.original.updatedAt) },
    ],
    [],
  );
  return (
    <>
      <PageTitle>Candidatures</PageTitle>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="des candidatures" />
      {p && (
        <Stack gap="xl">
          <Paper withBorder p="md" component="section" aria-labelledby="jalons">
            <Title order={2} size="h3" id="jalons" mb="xs">
              Jalons du programme
            </Title>
            <Text mb="sm">
              {p.target.label} : {formatInteger(p.target.selected)} retenue(s) sur {formatInteger(p.target.required)}, dont {formatInteger(p.target.inSmallAav)} dans une petite aire.
            </Text>
            <SimpleGrid cols={{ base: 1, md: 3 }} spacing="sm">
              {p.milestones.map((m) => (
                <Paper key={m.key} withBorder p="sm">
                  <Group justify="space-between" mb={4}>
                    <Text fw={600}>{formatDate(m.date)}</Text>
                    <Badge variant="outline" color={m.status === 'met' ? '#1b5e20' : m.status === 'missed' ? 'red.9' : 'gray.8'} tt="none">
                      {MILESTONE_LABELS[m.status] ?? m.status}
                    </Badge>
                  </Group>
                  <Text size="sm">{m.label}</Text>
                  <Text size="sm" mt={4}>
                    {m.detail}
                  </Text>
                </Paper>
              ))}
            </SimpleGrid>
          </Paper>
          {p.candidacies.length === 0 ? (
            <EmptyState title="Aucune candidature ouverte">
              Ouvrez une candidature depuis la fiche d’une structure hors ipso (POST /structures/{'{id}'}/candidacy) : elle apparaîtra ici au stade « Identifiée ».
            </EmptyState>
          ) : (
            <>
              <Board candidacies={p.candidacies} />
              <Stack component="section" aria-labelledby="tableau" gap="sm">
                <Title order={2} size="h3" id="tableau">
                  Tableau des candidatures
                </Title>
                <Group align="flex-end" gap="md">
                  <NativeSelect
                    label="Filtrer par état"
                    value={state}
                    onChange={(e) => setState(e.currentTarget.value)}
                    data={[{ value: '', label: 'Tous les états' }, ...STAGES.flatMap((s) => s.states).map((v) => ({ value: v, label: labelOf(STATE_LABELS, v) }))]}
                  />
                  <NativeSelect
                    label="Filtrer par critère"
                    value={criterion}
                    onChange={(e) => setCriterion(e.currentTarget.value)}
                    data={[{ value: '', label: 'Tous les critères' }, ...criteria.map(([value, label]) => ({ value, label }))]}
                    maw={420}
                  />
                  <NativeSelect
                    label="Résultat du critère"
                    value={status}
                    disabled={!criterion}
                    onChange={(e) => setStatus(e.currentTarget.value)}
                    data={[{ value: '', label: 'Tous' }, ...Object.entries(CRITERION_STATUS).map(([value, s]) => ({ value, label: s.label }))]}
                  />
                </Group>
                <Text size="sm" role="status">
                  {filtered.length} candidature(s) affichée(s) sur {p.candidacies.length}.
                </Text>
                <DataTable data={filtered} columns={columns} caption="Candidatures" empty="Aucune candidature ne correspond à ces filtres : élargissez l’état ou le critère." getRowId={(c) => c.structureId} />
              </Stack>
            </>
          )}
        </Stack>
      )}
    </>
  );
}

function Board({ candidacies }: { candidacies: Candidacy[] }) {
  return (
    <section aria-labelledby="tableau-de-bord">
      <Title order={2} size="h3" id="tableau-de-bord" mb="sm">
        Pipeline par étape
      </Title>
      <SimpleGrid cols={{ base: 1, sm: 2, md: 3, lg: 5 }} spacing="sm">
        {STAGES.map((stage) => {
          const items = candidacies.filter((c) => (stage.states as string[]).includes(c.state));
          return (
            <Paper key={stage.key} withBorder p="sm" bg="gray.0" component="section" aria-labelledby={`etape-${stage.key}`}>
              <Title order={3} size="h5" id={`etape-${stage.key}`} mb="xs">
                {stage.label} ({items.length})
              </Title>
              {items.length === 0 ? (
                <Text size="sm">Aucune candidature à cette étape.</Text>
              ) : (
                <Stack gap="xs" component="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
                  {items.map((c) => (
                    <Paper key={c.structureId} withBorder p="xs" component="li">
                      <Anchor component={Link} to={`/candidatures/${c.structureId}`} fw={600} size="sm">
                        {c.structureName}
                      </Anchor>
                      <Text size="xs">{c.city ?? ''}</Text>
                      <Group gap={4} mt={4}>
                        <StateBadge state={c.state} />
                        <CriterionBadge status={c.eligibility.overall} />
                      </Group>
                    </Paper>
                  ))}
                </Stack>
              )}
            </Paper>
          );
        })}
      </SimpleGrid>
    </section>
  );
}
