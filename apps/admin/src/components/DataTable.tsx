import { Table, Text, TextInput, UnstyledButton, VisuallyHidden } from '@mantine/core';
import {
  flexRender,
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnDef,
  type SortingState,
} from '@tanstack/react-table';
import { useId, useState } from 'react';

interface DataTableProps<T> {
  data: T[];
  columns: ColumnDef<T, unknown>[];
  /** Accessible name of the table (its caption). */
  caption: string;
  /** Shows a search field filtering every column. */
  searchLabel?: string;
  empty: string;
  getRowId?: (row: T) => string;
}

const SORT_LABEL = { asc: 'ascending', desc: 'descending' } as const;

/**
 * A table (TanStack Table state, Mantine rendering): captioned, sortable by header buttons
 * (keyboard-operable, `aria-sort` on the header cell), optionally searchable, scrolling
 * horizontally on narrow screens instead of squeezing columns.
 */
export function DataTable<T>({ data, columns, caption, searchLabel, empty, getRowId }: DataTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [filter, setFilter] = useState('');
  const searchId = useId();
  // No React Compiler in this app: TanStack Table's unmemoizable functions are fine here.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data,
    columns,
    state: { sorting, globalFilter: filter },
    onSortingChange: setSorting,
    onGlobalFilterChange: setFilter,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    globalFilterFn: 'includesString',
    getRowId,
  });
  const rows = table.getRowModel().rows;
  return (
    <div>
      {searchLabel && (
        <TextInput id={searchId} label={searchLabel} value={filter} onChange={(e) => setFilter(e.currentTarget.value)} mb="sm" maw={360} type="search" />
      )}
      <Table.ScrollContainer minWidth={640}>
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Caption style={{ captionSide: 'top', textAlign: 'left' }}>
            <VisuallyHidden>{caption}</VisuallyHidden>
          </Table.Caption>
          <Table.Thead>
            {table.getHeaderGroups().map((group) => (
              <Table.Tr key={group.id}>
                {group.headers.map((header) => {
                  const sorted = header.column.getIsSorted();
                  const label = flexRender(header.column.columnDef.header, header.getContext());
                  return (
                    <Table.Th key={header.id} scope="col" aria-sort={sorted ? SORT_LABEL[sorted] : undefined}>
                      {header.column.getCanSort() ? (
                        <UnstyledButton onClick={header.column.getToggleSortingHandler()} fw={700} fz="sm">
                          {label}
                          <span aria-hidden> {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : '↕'}</span>
                          <VisuallyHidden>{sorted ? ` (trié ${sorted === 'asc' ? 'par ordre croissant' : 'par ordre décroissant'})` : ' (trier)'}</VisuallyHidden>
                        </UnstyledButton>
                      ) : (
                        label
                      )}
                    </Table.Th>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Thead>
          <Table.Tbody>
            {rows.length === 0 ? (
              <Table.Tr>
                <Table.Td colSpan={columns.length}>
                  <Text>{filter ? `Aucun résultat pour « ${filter} ».` : empty}</Text>
                </Table.Td>
              </Table.Tr>
            ) : (
              rows.map((row) => (
                <Table.Tr key={row.id}>
                  {row.getVisibleCells().map((cell) => (
                    <Table.Td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</Table.Td>
                  ))}
                </Table.Tr>
              ))
            )}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </div>
  );
}
