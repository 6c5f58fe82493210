import { Alert, Button, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ColumnDef } from '@tanstack/react-table';
import { useMemo, useState } from 'react';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DataTable } from '../components/DataTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDate, parseEurosToCents } from '../format';

type Tariff = ApiData<'/reference-data/tariffs'>[number];
const EMPTY = { code: '', label: '', amount: '', validFrom: '', validTo: '', source: '' };

/** ipso: the dated tariff table valuing the annex 3 acts of the safeguard clause (GET/POST /reference-data/tariffs). */
export function TariffsPage() {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['tariffs'], queryFn: async () => (await call(api.GET('/reference-data/tariffs'))) as Tariff[] });
  const [form, setForm] = useState(EMPTY);
  const [amountError, setAmountError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: async () => {
      const amountCents = parseEurosToCents(form.amount);
      if (amountCents === null) throw new ApiError(400, 'montant', 'Montant invalide : indiquez des euros avec au plus deux décimales, par exemple 31,50.');
      return call(
        api.POST('/reference-data/tariffs', {
          body: { code: form.code, label: form.label, amountCents, validFrom: form.validFrom, validTo: form.validTo || null, source: form.source },
        }),
      );
    },
    onSuccess: () => {
      setForm(EMPTY);
      return queryClient.invalidateQueries({ queryKey: ['tariffs'] });
    },
  });
  const err = create.error instanceof ApiError ? create.error : null;
  const fieldError = (f: string) => err?.errors.find((e) => e.field === f)?.detail;
  const set = (k: keyof typeof EMPTY) => (e: React.ChangeEvent<HTMLInputElement>) => setForm({ ...form, [k]: e.currentTarget.value });
  const columns = useMemo<ColumnDef<Tariff, unknown>[]>(
    () => [
      { id: 'code', header: 'Code', accessorKey: 'code' },
      { id: 'label', header: 'Libellé', accessorKey: 'label' },
      { id: 'amount', header: 'Montant', accessorKey: 'amountCents', cell: ({ row: { original: t } }) => formatCents(t.amountCents) },
      { id: 'from', header: 'À partir du', accessorKey: 'validFrom', cell: ({ row: { original: t } }) => formatDate(t.validFrom) },
      { id: 'to', header: 'Jusqu’au', accessorFn: (t) => t.validTo ?? '9999', cell: ({ row: { original: t } }) => (t.validTo ? formatDate(t.validTo) : 'en vigueur') },
      { id: 'source', header: 'Source', accessorKey: 'source', enableSorting: false },
    ],
    [],
  );
  return (
    <>
      <PageTitle>Grille tarifaire</PageTitle>
      <Text mb="md" maw={820}>
        Tarifs conventionnels datés (NGAP, CCAM, majorations) qui valorisent les actes de l’annexe 3 pour la clause de sauvegarde. Un acte sans tarif à sa date
        bloque le calcul de la clause : ajoutez le tarif ici. Une ligne n’est jamais modifiée ; une revalorisation clôt la période ouverte la veille.
      </Text>
      <Stack gap="lg">
        <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="de la grille tarifaire" />
        {q.data && <DataTable data={q.data} columns={columns} caption="Tarifs datés" searchLabel="Rechercher un code ou un libellé" empty="Aucun tarif : ajoutez le premier ci-dessous." getRowId={(t) => t.id} />}
        <Paper
          withBorder
          p="md"
          component="form"
          aria-labelledby="add-tariff"
          onSubmit={(e) => {
            e.preventDefault();
            setAmountError(parseEurosToCents(form.amount) === null ? 'Montant en euros, par exemple 31,50' : null);
            create.mutate();
          }}
        >
          <Title order={2} size="h3" id="add-tariff" mb="sm">
            Ajouter un tarif daté
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput label="Code" description="Lettre clé NGAP (valeur du coefficient 1), code CCAM ou majoration" required value={form.code} onChange={set('code')} error={fieldError('code')} />
            <TextInput label="Libellé" required value={form.label} onChange={set('label')} error={fieldError('label')} />
            <TextInput label="Montant (€)" required inputMode="decimal" value={form.amount} onChange={set('amount')} error={amountError ?? fieldError('amountCents')} />
            <TextInput label="En vigueur à partir du" type="date" required value={form.validFrom} onChange={set('validFrom')} error={fieldError('validFrom')} />
            <TextInput label="Jusqu’au (facultatif)" type="date" value={form.validTo} onChange={set('validTo')} error={fieldError('validTo')} />
            <TextInput label="Source" description="Convention ou avenant et sa publication (JO, date)" required value={form.source} onChange={set('source')} error={fieldError('source')} />
          </SimpleGrid>
          <Button type="submit" mt="md" loading={create.isPending}>
            Ajouter le tarif
          </Button>
          <div aria-live="polite">
            {create.error && (
              <Alert color="red" mt="sm" role="alert" title="Tarif non ajouté">
                {messageOf(create.error)}
              </Alert>
            )}
            {create.data && (
              <Text c="#1b5e20" mt="sm" fw={600}>
                Tarif {create.data.code} ajouté ({formatCents(create.data.amountCents)} à partir du {formatDate(create.data.validFrom)})
                {create.data.closedTariffId ? ' ; la période précédente a été close la veille.' : '.'}
              </Text>
            )}
          </div>
        </Paper>
      </Stack>
    </>
  );
}
