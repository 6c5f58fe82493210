import { Anchor, Badge, Button, Group, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDate, formatDateTime, formatInteger } from '../format';
import { membershipOf } from '../auth/access';
import { IMPORT_STATUS_LABELS, KIND_LABELS, type ImportKind } from './columns';
import { PatientLookup } from './PatientLookup';

type Page = ApiData<'/structures/{structureId}/patients'>;
type Patient = Page['items'][number];
type Import = ApiData<'/structures/{structureId}/imports'>[number];
const LIMIT = 200;

/** The structure's patients (identity decrypted for its care team, each read traced), searchable, with the imports. */
export function PatientsPage() {
  const { structureId = '' } = useParams();
  const { api, me } = useAuth();
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    queryKey: ['patients', structureId, offset],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/patients', { params: { path: { structureId }, query: { offset, limit: LIMIT } as never } }))) as Page,
  });
  const imports = useQuery({
    queryKey: ['imports', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/imports', { params: { path: { structureId } } }))) as Import[],
  });
  const columns = useMemo<ColumnDef<Patient, unknown>[]>(
    () => [
      { id: 'externalId', header: 'Identifiant', accessorKey: 'externalId' },
      {
        id: 'name',
        header: 'Nom',
        accessorFn: (p) => (p.identity ? `${p.identity.lastName} ${p.identity.firstName}` : ''),
        cell: ({ row }) => (row.original.identity ? `${row.original.identity.lastName.toUpperCase()} ${row.original.identity.firstName}` : 'Identité réservée à l’équipe de soins'),
      },
      { id: 'birthDate', header: 'Naissance', accessorKey: 'birthDate', cell: ({ row }) => formatDate(row.original.birthDate) },
      { id: 'sex', header: 'Sexe', accessorFn: (p) => (p.sex === 'F' ? 'Femme' : 'Homme') },
      { id: 'mtRpps', header: 'Médecin traitant (RPPS)', accessorFn: (p) => p.mtRpps ?? '—' },
      { id: 'mtFrom', header: 'Déclaration MT', accessorFn: (p) => p.mtFrom ?? '', cell: ({ row }) => (row.original.mtFrom ? `depuis le ${formatDate(row.original.mtFrom)}${row.original.mtTo ? ` jusqu’au ${formatDate(row.original.mtTo)}` : ''}` : '—') },
      { id: 'opposed', header: 'Opposition évaluation', accessorFn: (p) => (p.evaluationOpposed ? 'Oui' : 'Non') },
    ],
    [],
  );
  const page = q.data;
  return (
    <>
      <PageTitle>Patientèle</PageTitle>
      <Group justify="space-between" mb="md">
        <Text>{page ? `${formatInteger(page.total)} patient(s) importé(s).` : ''}</Text>
        <Button component={Link} to={`/structures/${structureId}/patientele/import`}>
          Importer des données
        </Button>
      </Group>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="des patients" />
      {page &&
        (page.total === 0 ? (
          <EmptyState title="Aucun patient importé">
            Exportez la liste des patients de votre logiciel métier (CSV ou XLSX), puis utilisez « Importer des données » : un essai à blanc vérifie chaque ligne avant tout enregistrement.
          </EmptyState>
        ) : (
          <Stack gap="xs">
            <PatientLookup structureId={structureId} columns={columns} withIdentity={!!me && !!membershipOf(me, structureId)} />
            <DataTable data={page.items} columns={columns} caption="Patients de la structure" searchLabel="Filtrer la page affichée (nom, identifiant, RPPS)" empty="Aucun patient." getRowId={(p) => p.id} />
            {page.total > LIMIT && (
              <Group>
                <Button variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - LIMIT))}>
                  Page précédente
                </Button>
                <Text size="sm">
                  Patients {formatInteger(offset + 1)} à {formatInteger(Math.min(page.total, offset + LIMIT))} sur {formatInteger(page.total)} (la recherche porte sur la page affichée)
                </Text>
                <Button variant="default" disabled={offset + LIMIT >= page.total} onClick={() => setOffset(offset + LIMIT)}>
                  Page suivante
                </Button>
              </Group>
            )}
          </Stack>
        ))}
      <Stack component="section" aria-labelledby="imports" mt="xl" gap="xs">
        <Title order={2} size="h3" id="imports">
          Imports
        </Title>
        <QueryState isPending={imports.isPending} error={imports.error} retry={() => void imports.refetch()} what="des imports" />
        {imports.data && imports.data.length === 0 && <Text>Aucun import pour l’instant.</Text>}
        {imports.data && imports.data.length > 0 && (
          <Stack component="ul" gap={4} style={{ paddingLeft: 18, margin: 0 }}>
            {imports.data.slice(0, 10).map((i) => (
              <li key={i.id}>
                <Text span size="sm">
                  {formatDateTime(i.createdAt)} — {KIND_LABELS[i.kind as ImportKind] ?? i.kind} — « {i.filename} » —{' '}
                </Text>
                <Badge variant="outline" color={i.status === 'committed' ? '#1b5e20' : i.status === 'invalid' || i.status === 'failed' ? 'red.9' : 'gray.8'} tt="none">
                  {IMPORT_STATUS_LABELS[i.status] ?? i.status}
                </Badge>
              </li>
            ))}
          </Stack>
        )}
        <Anchor component={Link} to={`/structures/${structureId}/patientele/import`} size="sm">
          Nouvel import (patients, critères, activité)
        </Anchor>
      </Stack>
    </>
  );
}
