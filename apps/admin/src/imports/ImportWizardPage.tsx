import { Alert, Anchor, Button, Checkbox, Group, NativeSelect, Paper, Progress, SimpleGrid, Stack, Stepper, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DownloadButton } from '../components/DownloadButton';
import { PageTitle } from '../components/PageTitle';
import { formatBytes, formatDateTime, formatInteger } from '../format';
import { DELIMITER_LABELS, ENCODING_LABELS, IMPORT_KINDS, IMPORT_STATUS_LABELS, KIND_LABELS, mappingProblems, proposeMapping, sameMapping, sniffCsv, type ImportKind, type Mapping, type Sniffed } from './columns';
import { ImportMapping } from './ImportMapping';

type Report = ApiData<'/structures/{structureId}/imports/{importId}'>;
type Profile = ApiData<'/structures/{structureId}/import-profiles'>[number];
type Uploaded = ApiData<'/structures/{structureId}/imports', 'post'>;

const BUSY = ['uploaded', 'validating', 'committing'];
const SAMPLE_BYTES = 64 * 1024;
const COUNT_LABELS: [string, string][] = [
  ['read', 'Lignes lues'],
  ['create', 'À créer'],
  ['update', 'À mettre à jour'],
  ['unchanged', 'Inchangées'],
  ['errors', 'Erreurs'],
  ['warnings', 'Avertissements'],
];

interface Chosen {
  file: File;
  sniffed: Sniffed | null;
}

/** Import wizard (structure coordinator): file, detection, column mapping with profiles, dry-run report, commit with progress. */
export function ImportWizardPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const path = { structureId };
  const [kind, setKind] = useState<ImportKind>('patients');
  const [chosen, setChosen] = useState<Chosen | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Mapping>({});
  const [profileId, setProfileId] = useState('');
  const [saveProfile, setSaveProfile] = useState(false);
  const [profileName, setProfileName] = useState('');
  const [encoding, setEncoding] = useState('');
  const [delimiter, setDelimiter] = useState('');
  const [importId, setImportId] = useState<string | null>(null);
  const [duplicate, setDuplicate] = useState<Uploaded['import'] | null>(null);

  const profiles = useQuery({
    queryKey: ['import-profiles', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/import-profiles', { params: { path } }))) as Profile[],
  });
  const ofKind = (profiles.data ?? []).filter((p) => p.kind === kind);
  const profile = ofKind.find((p) => p.id === profileId);
  const headers = chosen?.sniffed?.headers ?? null;

  const report = useQuery({
    queryKey: ['import', structureId, importId],
    enabled: importId !== null,
    queryFn: async () => (await call(api.GET('/structures/{structureId}/imports/{importId}', { params: { path: { structureId, importId: importId ?? '' } } }))) as Report,
    refetchInterval: (q) => (q.state.data && !BUSY.includes(q.state.data.status) ? false : 700),
  });

  const reset = (keepSettings: boolean) => {
    setChosen(null);
    setImportId(null);
    setDuplicate(null);
    setReadError(null);
    if (!keepSettings) {
      setMapping({});
      setProfileId('');
    }
  };

  const choose = async (file: File | null) => {
    setReadError(null);
    setImportId(null);
    setDuplicate(null);
    if (!file) return setChosen(null);
    if (file.size === 0) {
      setChosen(null);
      return setReadError(`« ${file.name} » est vide : exportez à nouveau la liste depuis votre logiciel.`);
    }
    if (/\.xlsx$/i.test(file.name)) return setChosen({ file, sniffed: null });
    try {
      const sniffed = sniffCsv(new Uint8Array(await file.slice(0, SAMPLE_BYTES).arrayBuffer()));
      setChosen({ file, sniffed });
      setMapping(proposeMapping(kind, sniffed.headers, profile?.mapping));
    } catch {
      setReadError(`« ${file.name} » n’a pas pu être lu : vérifiez qu’il s’agit d’un fichier CSV ou XLSX accessible.`);
    }
  };

  const start = useMutation({
    mutationFn: async () => {
      if (!chosen) throw new ApiError(400, 'fichier', 'Choisissez d’abord un fichier.');
      let useProfile = profileId || undefined;
      if (headers) {
        const auto = proposeMapping(kind, headers);
        const fromProfile = profile ? proposeMapping(kind, headers, profile.mapping) : auto;
        const custom = !sameMapping(mapping, fromProfile);
        if (custom || saveProfile) {
          if (!profileName.trim()) throw new ApiError(400, 'profil', 'Vous avez modifié la correspondance : donnez un nom au profil (par exemple le nom de votre logiciel) pour l’enregistrer et la réutiliser.');
          const saved = (await call(api.PUT('/structures/{structureId}/import-profiles', { params: { path }, body: { kind, name: profileName.trim(), mapping } as never }))) as Profile;
          useProfile = saved.id;
          setProfileId(saved.id);
          await queryClient.invalidateQueries({ queryKey: ['import-profiles', structureId] });
        } else if (!profile) useProfile = undefined;
      }
      const query: Record<string, string> = { kind, filename: chosen.file.name };
      if (encoding) query.encoding = encoding;
      if (delimiter) query.delimiter = delimiter;
      if (useProfile) query.profileId = useProfile;
      return (await call(
        api.POST('/structures/{structureId}/imports', {
          params: { path, query: query as never },
          body: chosen.file as never,
          bodySerializer: (b: unknown) => b as BodyInit,
          headers: { 'content-type': /\.xlsx$/i.test(chosen.file.name) ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv' },
        }),
      )) as Uploaded;
    },
    onSuccess: (r) => {
      if (r.duplicate) setDuplicate(r.import);
      else setImportId(r.import.id);
    },
  });

  const commit = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/imports/{importId}/commit', { params: { path: { structureId, importId: importId ?? '' } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['import', structureId, importId] }),
  });

  const discard = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/imports/{importId}/discard', { params: { path: { structureId, importId: importId ?? '' } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['import', structureId, importId] }),
  });

  const r = report.data;
  const problems = headers ? mappingProblems(kind, mapping) : { missing: [], reused: [] };
  const active = !chosen ? 0 : !importId ? 1 : r && ['committing', 'committed'].includes(r.status) ? 3 : 2;
  const committed = r?.status === 'committed';
  useEffect(() => {
    if (committed) void queryClient.invalidateQueries({ queryKey: ['patients', structureId] });
  }, [committed, queryClient, structureId]);

  return (
    <>
      <PageTitle>Importer des données patients</PageTitle>
      <Anchor component={Link} to={`/structures/${structureId}/patientele`} mb="md" display="inline-block">
        ← Retour à la patientèle
      </Anchor>
      <Stepper active={active} size="sm" mb="lg" allowNextStepsSelect={false}>
        <Stepper.Step label="Fichier" description="CSV ou XLSX" />
        <Stepper.Step label="Colonnes" description="Correspondance" />
        <Stepper.Step label="Essai à blanc" description="Rapport" />
        <Stepper.Step label="Application" description="Tout ou rien" />
      </Stepper>

      {importId === null && (
        <Stack gap="md">
          <Paper withBorder p="md" component="section" aria-labelledby="etape-fichier">
            <Title order={2} size="h3" id="etape-fichier" mb="sm">
              1. Fichier
            </Title>
            <Group align="flex-end" gap="md">
              <NativeSelect
                label="Type de données"
                value={kind}
                onChange={(e) => {
                  const k = e.currentTarget.value as ImportKind;
                  setKind(k);
                  setProfileId('');
                  if (headers) setMapping(proposeMapping(k, headers));
                }}
                data={IMPORT_KINDS.map((k) => ({ value: k, label: KIND_LABELS[k] }))}
              />
              <label>
                <Text size="sm" fw={500}>
                  Fichier CSV (UTF-8 ou Windows-1252, « ; » ou « , ») ou XLSX
                </Text>
                <input type="file" accept=".csv,.txt,.xlsx,text/csv" onChange={(e) => void choose(e.currentTarget.files?.[0] ?? null)} />
              </label>
            </Group>
            {readError && (
              <Text c="red.9" mt="sm" role="alert">
                {readError}
              </Text>
            )}
            {chosen && (
              <Text mt="sm" role="status">
                « {chosen.file.name} », {formatBytes(chosen.file.size)}
                {chosen.sniffed
                  ? ` — encodage détecté : ${ENCODING_LABELS[chosen.sniffed.encoding]}, séparateur détecté : ${DELIMITER_LABELS[chosen.sniffed.delimiter]}, ${formatInteger(chosen.sniffed.headers.length)} colonnes.`
                  : ' — classeur XLSX : la première feuille est lue, ses colonnes sont reconnues par la plateforme.'}
              </Text>
            )}
          </Paper>

          {chosen && (
            <Paper withBorder p="md" component="form" aria-labelledby="etape-colonnes" onSubmit={(e) => { e.preventDefault(); start.mutate(); }}>
              <Title order={2} size="h3" id="etape-colonnes" mb="sm">
                2. Colonnes
              </Title>
              <SimpleGrid cols={{ base: 1, sm: 3 }} mb="md">
                <NativeSelect
                  label="Profil de correspondance enregistré"
                  value={profileId}
                  onChange={(e) => {
                    const id = e.currentTarget.value;
                    setProfileId(id);
                    const p = ofKind.find((x) => x.id === id);
                    if (headers) setMapping(proposeMapping(kind, headers, p?.mapping));
                    if (p) setProfileName(p.name);
                  }}
                  data={[{ value: '', label: ofKind.length ? 'Aucun (reconnaissance automatique)' : 'Aucun profil enregistré' }, ...ofKind.map((p) => ({ value: p.id, label: p.name }))]}
                />
                {chosen.sniffed && (
                  <>
                    <NativeSelect
                      label="Encodage"
                      value={encoding}
                      onChange={(e) => setEncoding(e.currentTarget.value)}
                      data={[{ value: '', label: `Détecté : ${ENCODING_LABELS[chosen.sniffed.encoding]}` }, { value: 'utf-8', label: 'Forcer UTF-8' }, { value: 'windows-1252', label: 'Forcer Windows-1252' }]}
                    />
                    <NativeSelect
                      label="Séparateur"
                      value={delimiter}
                      onChange={(e) => setDelimiter(e.currentTarget.value)}
                      data={[{ value: '', label: `Détecté : ${DELIMITER_LABELS[chosen.sniffed.delimiter]}` }, { value: ';', label: 'Forcer le point-virgule' }, { value: ',', label: 'Forcer la virgule' }, { value: 'tab', label: 'Forcer la tabulation' }]}
                    />
                  </>
                )}
              </SimpleGrid>
              {headers ? (
                <ImportMapping kind={kind} headers={headers} mapping={mapping} onChange={setMapping} />
              ) : (
                <Text>Les en-têtes du classeur sont reconnus par la plateforme (noms attendus ou profil choisi) ; l’essai à blanc signale toute colonne manquante.</Text>
              )}
              {headers && (
                <Group align="flex-end" mt="md">
                  <Checkbox label="Enregistrer cette correspondance comme profil" checked={saveProfile} onChange={(e) => setSaveProfile(e.currentTarget.checked)} />
                  <TextInput label="Nom du profil (par exemple votre logiciel métier)" value={profileName} onChange={(e) => setProfileName(e.currentTarget.value)} w={320} />
                </Group>
              )}
              {start.error && (
                <Alert color="red" mt="md" role="alert" title="L’essai à blanc n’a pas démarré">
                  {messageOf(start.error)}
                </Alert>
              )}
              {duplicate && (
                <Alert color="blue" mt="md" role="status" title="Fichier déjà importé">
                  Ce fichier (même empreinte SHA-256) a déjà été importé le {formatDateTime(duplicate.createdAt)} : rien n’a été modifié. Déposez un autre fichier si vos données ont changé.
                </Alert>
              )}
              <Group mt="md">
                <Button type="submit" loading={start.isPending} disabled={problems.missing.length > 0 || problems.reused.length > 0}>
                  Lancer l’essai à blanc
                </Button>
                <Button variant="default" onClick={() => reset(false)}>
                  Abandonner
                </Button>
              </Group>
            </Paper>
          )}
        </Stack>
      )}

      {importId !== null && (
        <Paper withBorder p="md" component="section" aria-labelledby="etape-rapport">
          <Title order={2} size="h3" id="etape-rapport" mb="sm">
            {r && ['committing', 'committed'].includes(r.status) ? '4. Application' : '3. Rapport de l’essai à blanc'}
          </Title>
          {report.error && (
            <Alert color="red" role="alert" title="Impossible de lire le rapport">
              {messageOf(report.error)}{' '}
              <Button size="xs" variant="outline" color="red" onClick={() => void report.refetch()}>
                Réessayer
              </Button>
            </Alert>
          )}
          {r && <ReportView r={r} structureId={structureId} />}
          {r?.status === 'invalid' && (
            <Alert color="red" mt="md" role="alert" title="Des lignes sont à corriger">
              Rien n’a été importé (tout ou rien). Téléchargez les lignes en erreur, corrigez-les dans votre fichier, puis déposez le fichier corrigé.
            </Alert>
          )}
          {commit.error && (
            <Alert color="red" mt="md" role="alert" title="L’import n’a pas été appliqué">
              {messageOf(commit.error)}
            </Alert>
          )}
          {r?.status === 'committed' && (
            <Alert color="green" mt="md" role="status" title="Import appliqué" styles={{ title: { color: '#1b5e20' } }}>
              {formatInteger(r.counts.create ?? 0)} création(s), {formatInteger(r.counts.update ?? 0)} mise(s) à jour, appliquées le {r.committedAt ? formatDateTime(r.committedAt) : ''}.{' '}
              <Anchor component={Link} to={`/structures/${structureId}/patientele`}>
                Voir la patientèle
              </Anchor>
            </Alert>
          )}
          {r?.status === 'expired' && (
            <Alert color="orange" mt="md" role="alert" title="Import expiré">
              Cet import n’a pas été appliqué à temps : son fichier et ses lignes en erreur, qui contiennent des données patients en clair, ont été supprimés
              {r.filesRemovedAt ? ` le ${formatDateTime(r.filesRemovedAt)}` : ''}. Rien n’a été importé. Déposez le fichier à nouveau.
            </Alert>
          )}
          {r?.status === 'discarded' && (
            <Alert color="gray" mt="md" role="status" title="Import abandonné">
              Rien n’a été importé ; le fichier déposé et ses lignes en erreur ont été supprimés{r.filesRemovedAt ? ` le ${formatDateTime(r.filesRemovedAt)}` : ''}.
            </Alert>
          )}
          {discard.error && (
            <Alert color="red" mt="md" role="alert" title="L’import n’a pas été abandonné">
              {messageOf(discard.error)}
            </Alert>
          )}
          {r?.status === 'failed' && (
            <Alert color="red" mt="md" role="alert" title="Échec">
              {r.failure ?? 'Le traitement a échoué.'} Réessayez ; si l’échec persiste, transmettez le fichier à l’équipe ipso.
            </Alert>
          )}
          <Group mt="md">
            {r?.status === 'validated' && (
              <Button loading={commit.isPending} onClick={() => commit.mutate()}>
                Appliquer l’import
              </Button>
            )}
            {r && ['invalid', 'validated', 'failed'].includes(r.status) && (
              <Button variant="default" color="red" loading={discard.isPending} onClick={() => discard.mutate()}>
                Abandonner cet import (supprime le fichier déposé)
              </Button>
            )}
            {r && ['invalid', 'validated', 'failed', 'expired', 'discarded'].includes(r.status) && (
              <Button variant={r.status === 'invalid' ? 'filled' : 'default'} onClick={() => reset(true)}>
                Déposer un fichier corrigé
              </Button>
            )}
            {r?.status === 'committed' && (
              <Button variant="default" onClick={() => reset(true)}>
                Importer un autre fichier
              </Button>
            )}
          </Group>
        </Paper>
      )}
    </>
  );
}

function ReportView({ r, structureId }: { r: Report; structureId: string }) {
  const busy = BUSY.includes(r.status);
  const pct = r.progress?.rowsTotal ? Math.min(100, Math.round(((r.progress.rowsDone ?? 0) / r.progress.rowsTotal) * 100)) : busy ? 5 : 100;
  return (
    <Stack gap="md">
      <Text role="status" aria-live="polite">
        « {r.filename} » — {IMPORT_STATUS_LABELS[r.status] ?? r.status}
        {r.encoding ? ` — encodage ${ENCODING_LABELS[r.encoding] ?? r.encoding}` : ''}
        {r.delimiter ? `, séparateur ${DELIMITER_LABELS[r.delimiter] ?? r.delimiter}` : ''}
        {r.format === 'xlsx' ? ' — classeur XLSX' : ''}.
      </Text>
      {busy && (
        <div>
          <Progress value={pct} animated aria-label={`Progression : ${pct} %`} />
          <Text size="sm" mt={4}>
            {r.progress?.rowsTotal ? `${formatInteger(r.progress.rowsDone ?? 0)} ligne(s) sur ${formatInteger(r.progress.rowsTotal)}` : 'Traitement en file d’attente…'} — vous pouvez quitter cette page, le traitement continue.
          </Text>
        </div>
      )}
      {!busy && (
        <SimpleGrid component="dl" cols={{ base: 2, sm: 3, md: 6 }} spacing="sm" m={0}>
          {COUNT_LABELS.map(([k, label]) => (
            <Paper key={k} withBorder p="xs">
              <Text component="dt" size="sm">
                {label}
              </Text>
              <Text component="dd" m={0} fw={700} size="lg">
                {formatInteger(r.counts[k] ?? 0)}
              </Text>
            </Paper>
          ))}
        </SimpleGrid>
      )}
      {r.errors.length > 0 && (
        <Stack gap="xs">
          <Group justify="space-between" align="flex-start">
            <Title order={3} size="h4">
              Erreurs ({formatInteger(r.errors.length)})
            </Title>
            <DownloadButton path={`/structures/${structureId}/imports/${r.id}/faulty-rows`} label="Télécharger les lignes en erreur (CSV)" fallbackName="lignes-en-erreur.csv" />
          </Group>
          <IssueTable caption="Erreurs de l’essai à blanc" issues={r.errors} />
        </Stack>
      )}
      {r.warnings.length > 0 && (
        <Stack gap="xs">
          <Title order={3} size="h4">
            Avertissements ({formatInteger(r.warnings.length)})
          </Title>
          <Text size="sm">Les avertissements n’empêchent pas l’import ; vérifiez-les.</Text>
          <IssueTable caption="Avertissements de l’essai à blanc" issues={r.warnings} />
        </Stack>
      )}
    </Stack>
  );
}

function IssueTable({ caption, issues }: { caption: string; issues: Report['errors'] }) {
  return (
    <div role="region" aria-label={caption} tabIndex={0} style={{ position: 'relative', overflowX: 'auto', maxHeight: 420 }}>
      <Table miw={560} striped withTableBorder verticalSpacing="xs">
        <Table.Caption style={{ captionSide: 'top', textAlign: 'left', position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>{caption}</Table.Caption>
        <Table.Thead>
          <Table.Tr>
            <Table.Th scope="col">Ligne</Table.Th>
            <Table.Th scope="col">Colonne</Table.Th>
            <Table.Th scope="col">Message</Table.Th>
            <Table.Th scope="col">Code</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {issues.slice(0, 500).map((e, i) => (
            <Table.Tr key={`${e.line}-${e.column}-${i}`}>
              <Table.Td>{formatInteger(e.line)}</Table.Td>
              <Table.Td>{e.column}</Table.Td>
              <Table.Td>{e.detail}</Table.Td>
              <Table.Td>
                <code>{e.code}</code>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {issues.length > 500 && <Text size="sm">Les 500 premières sont affichées ; le fichier des lignes en erreur les contient toutes.</Text>}
    </div>
  );
}
