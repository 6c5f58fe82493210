import { Alert, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatBytes, formatDateTime, formatInteger } from '../format';
import { fileToBase64 } from './CandidacyPage';

type Status = ApiData<'/reference-data'>;
/** The API takes reference files as base64 JSON within its 1 MiB body limit. */
const MAX_BYTES = 700 * 1024;

/** INSEE reference data (AAV 2020 zoning) used by the eligibility panel: state and upload. */
export function ReferenceDataPage() {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const q = useQuery({ queryKey: ['reference-data'], queryFn: async () => (await call(api.GET('/reference-data'))) as Status });
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (f: File) => {
      if (!/\.xlsx$/i.test(f.name)) throw new ApiError(415, 'type', `« ${f.name} » n’est pas un classeur XLSX : téléchargez le fichier AAV2020 au format XLSX sur insee.fr.`);
      if (f.size > MAX_BYTES)
        throw new ApiError(413, 'trop_gros', `« ${f.name} » fait ${formatBytes(f.size)} (700 Kio au plus ici) : importez le fichier national complet avec « npm run reference:import -- aav AAV2020.xlsx ».`);
      return call(api.POST('/reference-data/aav2020', { body: { filename: f.name, contentBase64: await fileToBase64(f) } as never }));
    },
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['reference-data'] }), queryClient.invalidateQueries({ queryKey: ['candidacies'] })]),
  });
  const s = q.data;
  return (
    <>
      <PageTitle>Données de référence INSEE</PageTitle>
      <Text mb="md">Le zonage en aires d’attraction des villes 2020 (AAV) et les populations communales servent au critère d’éligibilité sur la taille de l’aire.</Text>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="des données de référence" />
      {s && (
        <Stack gap="lg">
          <Text>
            {formatInteger(s.areas)} aire(s), {formatInteger(s.communes)} commune(s) et {formatInteger(s.populations)} population(s) communales chargées.
          </Text>
          {s.imports.some((i) => i.demo) && (
            <Alert color="blue" title="Échantillon de démonstration">
              Les données actuelles sont un petit échantillon non officiel. Importez le fichier INSEE AAV 2020 pour des critères fondés sur les données officielles.
            </Alert>
          )}
          {s.imports.length === 0 ? (
            <Text>Aucun fichier importé : l’éligibilité sur la taille de l’aire reste « inconnue » tant que le zonage n’est pas chargé.</Text>
          ) : (
            <FigureTable
              caption="Fichiers importés"
              rows={s.imports}
              rowKey={(i) => i.id}
              columns={[
                { header: 'Fichier', cell: (i) => i.filename },
                { header: 'Type', cell: (i) => (i.kind === 'aav2020' ? 'AAV 2020' : 'Populations communales') },
                { header: 'Lignes', numeric: true, cell: (i) => formatInteger(i.rowCount) },
                { header: 'Importé le', cell: (i) => formatDateTime(i.importedAt) },
                { header: 'Nature', cell: (i) => (i.demo ? <Badge color="#8a3b00" variant="outline" tt="none">démonstration</Badge> : 'officiel') },
              ]}
            />
          )}
          <Paper withBorder p="md" component="form" aria-labelledby="import-aav" onSubmit={(e) => { e.preventDefault(); if (file) upload.mutate(file); }}>
            <Title order={2} size="h3" id="import-aav" mb="sm">
              Importer le fichier AAV 2020
            </Title>
            <Text size="sm" mb="sm">
              Classeur XLSX de l’INSEE avec les feuilles « AAV2020 » et « Composition_communale » (700 Kio au plus ici ; au-delà, utilisez la commande « npm run reference:import »).
            </Text>
            <Group align="flex-end">
              <label>
                <Text size="sm" fw={500}>
                  Fichier AAV 2020 (XLSX)
                </Text>
                <input type="file" accept=".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
              </label>
              <Button type="submit" disabled={!file} loading={upload.isPending}>
                Importer
              </Button>
            </Group>
            <div aria-live="polite">
              {upload.error && (
                <Text c="red.9" mt="sm" role="alert">
                  {messageOf(upload.error)}
                </Text>
              )}
              {upload.data && (
                <Text c="#1b5e20" mt="sm" fw={600}>
                  Fichier importé : {formatInteger((upload.data as { rowCount: number }).rowCount)} ligne(s).
                </Text>
              )}
            </div>
          </Paper>
        </Stack>
      )}
    </>
  );
}
