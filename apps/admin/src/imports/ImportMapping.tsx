import { Alert, Badge, NativeSelect, Table, Text } from '@mantine/core';
import { COLUMNS, mappingProblems, type ImportKind, type Mapping } from './columns';

const NONE = '';

/**
 * Column mapping of an import: for each column the platform expects, the header of the file that
 * holds it (proposed from the canonical names, aliases or a saved profile; changeable). Required
 * columns without a header and headers used twice are listed, so the user fixes them before the
 * dry run.
 */
export function ImportMapping({ kind, headers, mapping, onChange }: { kind: ImportKind; headers: string[]; mapping: Mapping; onChange: (m: Mapping) => void }) {
  const { missing, reused } = mappingProblems(kind, mapping);
  const unused = headers.filter((h) => h && !Object.values(mapping).includes(h));
  return (
    <div>
      <div role="region" aria-label="Correspondance des colonnes" tabIndex={0} style={{ position: 'relative', overflowX: 'auto' }}>
        <Table miw={520} verticalSpacing="xs" withTableBorder>
          <Table.Caption style={{ captionSide: 'top', textAlign: 'left', fontWeight: 600, color: '#212529' }}>Correspondance des colonnes</Table.Caption>
          <Table.Thead>
            <Table.Tr>
              <Table.Th scope="col">Colonne attendue</Table.Th>
              <Table.Th scope="col">En-tête de votre fichier</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {COLUMNS[kind].map((c) => {
              const value = mapping[c.name] ?? NONE;
              const bad = (c.required && !value) || (value !== NONE && reused.includes(value));
              return (
                <Table.Tr key={c.name}>
                  <Table.Th scope="row" fw={500}>
                    <Text size="sm" fw={600} component="span">
                      {c.label}
                    </Text>{' '}
                    {c.required ? (
                      <Badge size="xs" variant="outline" color="red.9" tt="none">
                        obligatoire
                      </Badge>
                    ) : null}
                    <Text size="xs" c="gray.8">
                      {c.name}
                    </Text>
                  </Table.Th>
                  <Table.Td>
                    <NativeSelect
                      aria-label={`En-tête pour « ${c.label} »`}
                      value={value}
                      error={bad ? (c.required && !value ? 'Colonne obligatoire : choisissez l’en-tête qui la contient.' : 'En-tête déjà utilisé pour une autre colonne.') : undefined}
                      onChange={(e) => {
                        const next = { ...mapping };
                        if (e.currentTarget.value === NONE) delete next[c.name];
                        else next[c.name] = e.currentTarget.value;
                        onChange(next);
                      }}
                      data={[{ value: NONE, label: c.required ? '— à choisir —' : '— absente du fichier —' }, ...headers.filter(Boolean).map((h) => ({ value: h, label: h }))]}
                    />
                  </Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      </div>
      {(missing.length > 0 || reused.length > 0) && (
        <Alert color="red" mt="sm" title="Correspondance incomplète" role="alert">
          {missing.length > 0 && <Text size="sm">Colonnes obligatoires sans en-tête : {missing.map((c) => c.label).join(', ')}.</Text>}
          {reused.length > 0 && <Text size="sm">En-têtes choisis deux fois : {reused.join(', ')}.</Text>}
          <Text size="sm">Choisissez l’en-tête de votre fichier pour chacune, ou corrigez l’export de votre logiciel.</Text>
        </Alert>
      )}
      {unused.length > 0 && (
        <Text size="sm" mt="sm">
          En-têtes du fichier ignorés : {unused.join(', ')}.
        </Text>
      )}
    </div>
  );
}
