import { Alert, Button, Group, NativeSelect, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useState, type FormEvent } from 'react';
import { patientLookupQuery, type PatientLookupQuery } from '@mtr/api-contracts';
import { call } from '../api/client';
import { messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';

type Found = ApiData<'/structures/{structureId}/patients/lookup', 'post'>;
type Patient = Found['items'][number];
type Way = 'nir' | 'externalId' | 'name';
type Field = 'nir' | 'externalId' | 'lastName' | 'firstName' | 'birthDate';

const WAYS: { value: Way; label: string }[] = [
  { value: 'nir', label: 'NIR' },
  { value: 'name', label: 'Nom, prénom et date de naissance' },
  { value: 'externalId', label: 'Identifiant patient de la structure' },
];

/**
 * Exact lookup over the whole patient list (the API's blind indexes, issue #5 §5), not only the
 * page shown. By NIR or by name for the care team; by patient id for anyone who reads the list.
 * The same zod schema as the API checks the form (NIR key, date, one way at a time); the search
 * goes in a POST body, never in the address.
 */
export function PatientLookup({ structureId, columns, withIdentity }: { structureId: string; columns: ColumnDef<Patient, unknown>[]; withIdentity: boolean }) {
  const { api } = useAuth();
  const ways = withIdentity ? WAYS : WAYS.filter((w) => w.value === 'externalId');
  const [way, setWay] = useState<Way>(ways[0].value);
  const [values, setValues] = useState<Record<Field, string>>({ nir: '', externalId: '', lastName: '', firstName: '', birthDate: '' });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const search = useMutation({
    mutationFn: async (body: PatientLookupQuery) =>
      (await call(api.POST('/structures/{structureId}/patients/lookup', { params: { path: { structureId } }, body }))) as Found,
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const fields: Field[] = way === 'name' ? ['lastName', 'firstName', 'birthDate'] : [way];
    const parsed = patientLookupQuery.safeParse(Object.fromEntries(fields.map((f) => [f, values[f]])));
    if (!parsed.success) {
      const found: Partial<Record<Field, string>> = {};
      for (const issue of parsed.error.issues) {
        const f = (issue.path[0] ?? fields[0]) as Field;
        found[f] ??= values[f].trim() === '' ? 'Champ obligatoire.' : issue.message;
      }
      setErrors(found);
      return;
    }
    setErrors({});
    search.mutate(parsed.data);
  }

  const field = (f: Field, label: string, extra: { type?: string; description?: string } = {}) => (
    <TextInput
      key={f}
      label={label}
      value={values[f]}
      onChange={(e) => setValues({ ...values, [f]: e.currentTarget.value })}
      error={errors[f]}
      autoComplete="off"
      {...extra}
    />
  );

  return (
    <Paper component="section" withBorder p="md" mb="md" aria-labelledby="patient-lookup">
      <Title order={2} size="h4" id="patient-lookup" mb="xs">
        Retrouver un patient dans toute la patientèle
      </Title>
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" gap="sm" wrap="wrap">
          <NativeSelect
            label="Rechercher par"
            data={ways}
            value={way}
            onChange={(e) => {
              setWay(e.currentTarget.value as Way);
              setErrors({});
              search.reset();
            }}
          />
          {way === 'nir' && field('nir', 'NIR (15 caractères, clé comprise)', { description: 'Espaces et points acceptés ; 2A/2B pour la Corse.' })}
          {way === 'externalId' && field('externalId', 'Identifiant patient')}
          {way === 'name' && [field('lastName', 'Nom'), field('firstName', 'Prénom'), field('birthDate', 'Date de naissance', { type: 'date' })]}
          <Button type="submit" mt={25} loading={search.isPending}>
            Rechercher
          </Button>
        </Group>
      </form>
      <Text size="xs" c="dimmed" mt={4}>
        Recherche exacte (majuscules et accents indifférents pour les noms), tracée dans le journal d’audit.
      </Text>
      {search.error && (
        <Alert color="red" mt="sm" role="alert" title="Recherche impossible">
          {messageOf(search.error)}
        </Alert>
      )}
      {search.data && (
        <Stack gap="xs" mt="sm" role="status">
          {search.data.items.length === 0 ? (
            <Text>Aucun patient ne correspond.</Text>
          ) : (
            <DataTable data={search.data.items} columns={columns} caption="Résultat de la recherche" empty="Aucun patient ne correspond." getRowId={(p) => p.id} />
          )}
        </Stack>
      )}
    </Paper>
  );
}
