import { Anchor, Button, Group, Modal, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import type { Practitioner, PractitionerInput, PractitionerUpdate, Structure } from '@mtr/api-contracts';
import { call } from '../api/client';
import { canEditPractitioners, isPlatformStaff, membershipOf } from '../auth/access';
import { useAuth, useMe } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { PractitionerForm } from '../components/PractitionerForm';
import { QueryState } from '../components/QueryState';
import { formatDate, formatPercent, yesNo } from '../format';
import { LEGAL_FORM_LABELS, PROFESSION_LABELS, labelOf } from '../labels';
import { NextSteps } from './NextSteps';
import { StateBadge } from './StructuresPage';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text component="dt" size="sm" fw={600}>
        {label}
      </Text>
      <Text component="dd" m={0}>
        {children}
      </Text>
    </div>
  );
}

type Editing = { mode: 'create' } | { mode: 'edit'; practitioner: Practitioner } | null;

/** A structure: its identity and its practitioners (added and edited by its coordinator and the ipso team). */
export function StructurePage() {
  const { structureId = '' } = useParams();
  const me = useMe();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const canEdit = canEditPractitioners(me, structureId);
  const params = { params: { path: { structureId } } };

  const structure = useQuery({
    queryKey: ['structure', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}', params))) as Structure,
  });
  const practitioners = useQuery({
    queryKey: ['practitioners', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/practitioners', params))) as Practitioner[],
  });

  const done = async (message: string) => {
    setEditing(null);
    setSaved(message);
    await queryClient.invalidateQueries({ queryKey: ['practitioners', structureId] });
  };
  const create = useMutation({
    mutationFn: (body: PractitionerInput) => call(api.POST('/structures/{structureId}/practitioners', { ...params, body: body as never })),
    onSuccess: (_d, body) => done(`${body.firstName} ${body.lastName} a été ajouté(e) à la structure.`),
  });
  const update = useMutation({
    mutationFn: ({ id, body }: { id: string; body: PractitionerUpdate }) =>
      call(api.PATCH('/structures/{structureId}/practitioners/{practitionerId}', { params: { path: { structureId, practitionerId: id } }, body: body as never })),
    onSuccess: () => done('Les modifications ont été enregistrées.'),
  });

  const columns = useMemo<ColumnDef<Practitioner, unknown>[]>(() => {
    const cols: ColumnDef<Practitioner, unknown>[] = [
      { id: 'name', header: 'Nom', accessorFn: (p) => `${p.lastName} ${p.firstName}`, cell: ({ row }) => <Text fw={600} size="sm">{`${row.original.lastName.toUpperCase()} ${row.original.firstName}`}</Text> },
      { id: 'profession', header: 'Profession', accessorFn: (p) => labelOf(PROFESSION_LABELS, p.profession) },
      { id: 'rpps', header: 'RPPS', accessorKey: 'rpps' },
      { id: 'joinedOn', header: 'Arrivée', accessorKey: 'joinedOn', cell: ({ row }) => formatDate(row.original.joinedOn) },
      { id: 'leftOn', header: 'Départ', accessorFn: (p) => p.leftOn ?? '', cell: ({ row }) => (row.original.leftOn ? formatDate(row.original.leftOn) : 'En exercice') },
    ];
    if (canEdit) {
      cols.push({
        id: 'actions',
        header: 'Actions',
        enableSorting: false,
        cell: ({ row }) => (
          <Button size="xs" variant="outline" onClick={() => setEditing({ mode: 'edit', practitioner: row.original })} aria-label={`Modifier ${row.original.firstName} ${row.original.lastName}`}>
            Modifier
          </Button>
        ),
      });
    }
    return cols;
  }, [canEdit]);

  const s = structure.data;
  return (
    <>
      <PageTitle>{s?.name ?? 'Structure'}</PageTitle>
      <QueryState isPending={structure.isPending} error={structure.error} retry={() => void structure.refetch()} what="de la structure" />
      {s && (
        <Paper withBorder p="md" radius="md" mb="xl" component="section" aria-labelledby="fiche">
          <Group justify="space-between" mb="sm">
            <Title order={2} size="h3" id="fiche">
              Fiche
            </Title>
            <StateBadge state={s.state} />
          </Group>
          <SimpleGrid component="dl" cols={{ base: 1, xs: 2, md: 3 }} spacing="md" m={0}>
            <Fact label="Forme juridique">{labelOf(LEGAL_FORM_LABELS, s.legalForm)}</Fact>
            <Fact label="Adresse">{[s.addressLine, [s.postalCode, s.city].filter(Boolean).join(' ')].filter(Boolean).join(', ') || '—'}</Fact>
            <Fact label="Code commune INSEE">{s.inseeCode ?? '—'}</Fact>
            <Fact label="FINESS">{s.finess ?? '—'}</Fact>
            <Fact label="SIRET">{s.siret ?? '—'}</Fact>
            <Fact label="Réseau ipso">{yesNo(s.ipsoNetwork)}</Fact>
            <Fact label="Participant à MTR 1">{yesNo(s.mtr1Participant)}</Fact>
            <Fact label="Entrée dans la convention">{formatDate(s.conventionEntryDate)}</Fact>
            <Fact label="Taux de fuite théorique">{formatPercent(s.theoreticalLeakageRate)}</Fact>
          </SimpleGrid>
        </Paper>
      )}
      {s && membershipOf(me, structureId) && <NextSteps state={s.state} structureId={structureId} />}
      {s && isPlatformStaff(me) && !s.ipsoNetwork && (
        <Group mb="xl" gap="lg">
          <Anchor component={Link} to={`/candidatures/${structureId}`}>
            Candidature de la structure
          </Anchor>
          <Anchor component={Link} to={`/candidatures/${structureId}/audit`}>
            Revue de l’audit
          </Anchor>
        </Group>
      )}
      <Stack component="section" aria-labelledby="praticiens" gap="sm">
        <Group justify="space-between">
          <Title order={2} size="h3" id="praticiens">
            Praticiens
          </Title>
          {canEdit && (
            <Button
              onClick={() => {
                setSaved(null);
                setEditing({ mode: 'create' });
              }}
            >
              Ajouter un praticien
            </Button>
          )}
        </Group>
        <div role="status" aria-live="polite">
          {saved && <Text c="#1b5e20" fw={600}>{saved}</Text>}
        </div>
        <QueryState isPending={practitioners.isPending} error={practitioners.error} retry={() => void practitioners.refetch()} what="des praticiens" />
        {practitioners.data &&
          (practitioners.data.length === 0 ? (
            <EmptyState title="Aucun praticien rattaché">
              {canEdit ? 'Ajoutez les médecins et sages-femmes de la structure avec leur numéro RPPS : ils forment l’équipe médicale de MTR 2.' : 'La coordination de la structure ajoute ses praticiens ici.'}
            </EmptyState>
          ) : (
            <DataTable data={practitioners.data} columns={columns} caption="Praticiens de la structure" searchLabel="Rechercher un praticien" empty="Aucun praticien." getRowId={(p) => p.id} />
          ))}
      </Stack>
      <Modal opened={editing !== null} onClose={() => setEditing(null)} title={editing?.mode === 'edit' ? 'Modifier le praticien' : 'Ajouter un praticien'} size="lg" closeButtonProps={{ 'aria-label': 'Fermer' }}>
        {editing?.mode === 'create' && <PractitionerForm mode="create" onSubmit={(body) => create.mutateAsync(body)} onCancel={() => setEditing(null)} />}
        {editing?.mode === 'edit' && (
          <PractitionerForm mode="edit" initial={editing.practitioner} onSubmit={(body) => update.mutateAsync({ id: editing.practitioner.id, body })} onCancel={() => setEditing(null)} />
        )}
      </Modal>
    </>
  );
}
