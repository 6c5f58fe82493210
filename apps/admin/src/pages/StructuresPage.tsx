import { Anchor, Badge, Text } from '@mantine/core';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { Link } from 'react-router';
import type { Structure } from '@mtr/api-contracts';
import { canOpenStructure, isCopil } from '../auth/access';
import { useMe } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDate, yesNo } from '../format';
import { LEGAL_FORM_LABELS, STATE_LABELS, labelOf } from '../labels';
import { useStructures } from './structures-query';

type Row = Partial<Structure>;

export function StateBadge({ state }: { state: string | undefined }) {
  return (
    <Badge variant="outline" color="blue.9" radius="sm" tt="none">
      {labelOf(STATE_LABELS, state)}
    </Badge>
  );
}

/**
 * Structures the user may see: all of them for the ipso team and administrators, identity fields
 * only for the COPIL (the API sends nothing else), their own for members.
 */
export function StructuresPage() {
  const me = useMe();
  const query = useStructures();
  const copil = isCopil(me);
  const columns = useMemo<ColumnDef<Row, unknown>[]>(() => {
    const cols: ColumnDef<Row, unknown>[] = [
      {
        id: 'name',
        header: 'Nom',
        accessorFn: (s) => s.name ?? '',
        cell: ({ row }) =>
          row.original.id && canOpenStructure(me, row.original.id) ? (
            <Anchor component={Link} to={`/structures/${row.original.id}`} fw={600}>
              {row.original.name}
            </Anchor>
          ) : (
            <Text fw={600} size="sm">
              {row.original.name}
            </Text>
          ),
      },
      { id: 'city', header: 'Commune', accessorFn: (s) => s.city ?? '—' },
      { id: 'legalForm', header: 'Forme juridique', accessorFn: (s) => labelOf(LEGAL_FORM_LABELS, s.legalForm) },
      { id: 'state', header: 'État', accessorFn: (s) => labelOf(STATE_LABELS, s.state), cell: ({ row }) => <StateBadge state={row.original.state} /> },
      { id: 'ipsoNetwork', header: 'Réseau ipso', accessorFn: (s) => yesNo(s.ipsoNetwork) },
    ];
    if (!copil) {
      cols.push({ id: 'conventionEntryDate', header: 'Entrée dans la convention', accessorFn: (s) => s.conventionEntryDate ?? '', cell: ({ row }) => formatDate(row.original.conventionEntryDate) });
    }
    return cols;
  }, [me, copil]);

  return (
    <>
      <PageTitle>Structures</PageTitle>
      {copil && (
        <Text mb="md">
          Le COPIL voit l’identité des structures ; leurs praticiens et patients ne lui sont pas accessibles. Les indicateurs agrégés sont dans « Indicateurs COPIL ».
        </Text>
      )}
      <QueryState isPending={query.isPending} error={query.error} retry={() => void query.refetch()} what="des structures" />
      {query.data &&
        (query.data.length === 0 ? (
          <EmptyState title="Aucune structure">
            Votre compte n’est rattaché à aucune structure. Demandez à l’équipe ipso de vous y rattacher.
          </EmptyState>
        ) : (
          <DataTable data={query.data} columns={columns} caption="Structures visibles" searchLabel="Rechercher une structure" empty="Aucune structure." getRowId={(s) => s.id ?? String(s.name)} />
        ))}
    </>
  );
}
