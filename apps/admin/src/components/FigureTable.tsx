import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

export interface FigureColumn<T> {
  header: string;
  cell: (row: T) => ReactNode;
  /** Numbers align right for reading columns of figures. */
  numeric?: boolean;
}

/**
 * The data table beside a chart: the same figures, captioned, first column as row headers, so a
 * screen reader or a keyboard user reads what the chart draws.
 */
export function FigureTable<T>({ caption, columns, rows, rowKey }: { caption: string; columns: FigureColumn<T>[]; rows: T[]; rowKey: (row: T) => string }) {
  return (
    // A keyboard-focusable scroll region (WCAG 2.1.1: narrow screens scroll the table sideways).
    <div role="region" aria-label={caption} tabIndex={0} style={{ position: 'relative', overflowX: 'auto' }}>
      <Table miw={420} striped verticalSpacing="xs" withTableBorder>
        <Table.Caption style={{ captionSide: 'top', textAlign: 'left', fontWeight: 600, color: '#212529' }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.header} scope="col" style={c.numeric ? { textAlign: 'right' } : undefined}>
                {c.header}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => (
            <Table.Tr key={rowKey(r)}>
              {columns.map((c, i) =>
                i === 0 ? (
                  <Table.Th key={c.header} scope="row" fw={500}>
                    {c.cell(r)}
                  </Table.Th>
                ) : (
                  <Table.Td key={c.header} style={c.numeric ? { textAlign: 'right', whiteSpace: 'nowrap' } : undefined}>
                    {c.cell(r)}
                  </Table.Td>
                ),
              )}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
}
