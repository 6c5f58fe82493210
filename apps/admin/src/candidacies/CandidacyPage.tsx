import { Alert, Anchor, Button, Checkbox, Group, Modal, Paper, SimpleGrid, Stack, Text, TextInput, Textarea, Timeline, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import { downloadFile } from '../api/download';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatBytes, formatDate, formatDateTime } from '../format';
import { STATE_LABELS, labelOf } from '../labels';
import { StateBadge } from '../pages/StructuresPage';
import { ACTOR_ROLE_LABELS, DECISION_FIELDS, DECISION_LABELS, SOURCE_LABELS, decisionKind } from './labels';
import { CriterionBadge } from './PipelinePage';
import { SimulationPanel } from '../simulations/SimulationPanel';

type Candidacy = ApiData<'/structures/{structureId}/candidacy'>;
type Eligibility = ApiData<'/structures/{structureId}/candidacy/eligibility'>;
type Next = Candidacy['nextTransitions'][number];

/** Reads a File as base64 (the API takes documents as JSON, 700 Kio at most). */
export function fileToBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new ApiError(0, 'lecture', 'Le fichier n’a pas pu être lu : vérifiez qu’il est accessible puis réessayez.'));
    reader.readAsDataURL(file);
  });
}

/** One candidacy: eligibility with evidence, timeline of transitions and documents, allowed actions. */
export function CandidacyPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const params = { params: { path: { structureId } } };
  const candidacy = useQuery({ queryKey: ['candidacy', structureId], queryFn: async () => (await call(api.GET('/structures/{structureId}/candidacy', params))) as Candidacy });
  const eligibility = useQuery({ queryKey: ['eligibility', structureId], queryFn: async () => (await call(api.GET('/structures/{structureId}/candidacy/eligibility', params))) as Eligibility });
  const c = candidacy.data;
  return (
    <>
      <PageTitle>{c ? `Candidature — ${c.structureName}` : 'Candidature'}</PageTitle>
      <Group mb="md" gap="lg">
        <Anchor component={Link} to="/candidatures">
          ← Retour au pipeline des candidatures
        </Anchor>
        <Anchor component={Link} to={`/candidatures/${structureId}/audit`}>
          Revue de l’audit (annexe 6)
        </Anchor>
      </Group>
      <QueryState isPending={candidacy.isPending} error={candidacy.error} retry={() => void candidacy.refetch()} what="de la candidature" />
      {c && (
        <Stack gap="lg">
          <Paper withBorder p="md">
            <Group justify="space-between">
              <Text>
                Candidature ouverte le {formatDateTime(c.openedAt)} ; dernière évolution le {formatDateTime(c.updatedAt)}.
              </Text>
              <StateBadge state={c.state} />
            </Group>
            <References c={c} />
          </Paper>
          <Actions c={c} eligibility={eligibility.data} />
          <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
            <Paper withBorder p="md" component="section" aria-labelledby="eligibilite">
              <Title order={2} size="h3" id="eligibilite" mb="sm">
                Éligibilité
              </Title>
              <QueryState isPending={eligibility.isPending} error={eligibility.error} retry={() => void eligibility.refetch()} what="de l’éligibilité" />
              {eligibility.data && <EligibilityPanel e={eligibility.data} structureId={structureId} />}
            </Paper>
            <Paper withBorder p="md" component="section" aria-labelledby="historique">
              <Title order={2} size="h3" id="historique" mb="sm">
                Historique et documents
              </Title>
              <History c={c} />
              <Documents c={c} structureId={structureId} />
              <Dossier structureId={structureId} />
            </Paper>
          </SimpleGrid>
          <SimulationPanel structureId={structureId} />
        </Stack>
      )}
    </>
  );
}

function References({ c }: { c: Candidacy }) {
  const refs: [string, string | null][] = [
    ['Décision du CTIS', c.ctisDecisionNumber ? `${c.ctisDecisionNumber} du ${formatDate(c.ctisDecisionDate)}` : null],
    ['Convention CNAM', c.conventionNumber ? `${c.conventionNumber} signée le ${formatDate(c.conventionSignedOn)}` : null],
    ['Date d’entrée E', c.entryDate ? formatDate(c.entryDate) : null],
    ['Préavis de sortie reçu', c.exitNoticeReceivedOn ? `${formatDate(c.exitNoticeReceivedOn)} (sortie au plus tôt le ${formatDate(c.earliestExitOn)})` : null],
    ['Sortie effective', c.exitEffectiveOn ? formatDate(c.exitEffectiveOn) : null],
  ];
  const shown = refs.filter(([, v]) => v);
  if (shown.length === 0) return null;
  return (
    <SimpleGrid component="dl" cols={{ base: 1, sm: 2 }} mt="sm" m={0}>
      {shown.map(([k, v]) => (
        <div key={k}>
          <Text component="dt" size="sm" fw={600}>
            {k}
          </Text>
          <Text component="dd" m={0}>
            {v}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}

function EligibilityPanel({ e, structureId }: { e: Eligibility; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [text, setText] = useState(e.justification?.text ?? '');
  const save = useMutation({
    mutationFn: () => call(api.PUT('/structures/{structureId}/candidacy/justification', { params: { path: { structureId } }, body: { text } as never })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['eligibility', structureId] }), queryClient.invalidateQueries({ queryKey: ['candidacies'] })]),
  });
  return (
    <Stack gap="sm">
      <Group gap="xs">
        <Text fw={600}>Résultat d’ensemble :</Text>
        <CriterionBadge status={e.overall} />
        <Text size="sm">calculé le {formatDateTime(e.computedAt)}</Text>
      </Group>
      <Stack component="ul" gap="xs" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {e.criteria.map((k) => (
          <Paper key={k.key} withBorder p="sm" component="li">
            <Group justify="space-between" align="flex-start" wrap="nowrap" gap="sm">
              <Text fw={600} size="sm">
                {k.label}
              </Text>
              <CriterionBadge status={k.status} />
            </Group>
            <Text size="sm" mt={4}>
              Élément probant : {k.evidence}
            </Text>
            <Text size="xs" mt={2}>
              Source : {SOURCE_LABELS[k.source] ?? k.source}
              {k.date ? ` — ${formatDate(k.date)}` : ''}
            </Text>
          </Paper>
        ))}
      </Stack>
      {e.overall !== 'pass' && (
        <Stack gap="xs" component="form" onSubmit={(ev) => { ev.preventDefault(); save.mutate(); }} aria-label="Justification écrite">
          <Text size="sm">
            Tous les critères ne sont pas remplis : la transmission au CTIS exige la justification écrite de l’équipe ipso (au moins 20 caractères).
          </Text>
          <Textarea label="Justification écrite de l’équipe ipso" value={text} onChange={(ev) => setText(ev.currentTarget.value)} autosize minRows={3} />
          {e.justification && (
            <Text size="xs">Enregistrée le {formatDateTime(e.justification.at)}.</Text>
          )}
          {save.error && (
            <Text c="red.9" size="sm" role="alert">
              {messageOf(save.error)}
            </Text>
          )}
          <Group>
            <Button type="submit" variant="outline" loading={save.isPending} disabled={text.trim().length < 20}>
              Enregistrer la justification
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}

function History({ c }: { c: Candidacy }) {
  const docName = (id: string) => c.documents.find((d) => d.id === id)?.filename ?? 'document';
  if (c.history.length === 0) return <Text mb="md">Aucune transition pour l’instant : la candidature vient d’être ouverte.</Text>;
  return (
    <Timeline active={c.history.length - 1} bulletSize={14} lineWidth={2} mb="lg" color="blue.9">
      {[...c.history].map((h) => (
        <Timeline.Item key={h.id} title={<Text fw={600} size="sm">{h.label}</Text>}>
          <Text size="xs">
            {formatDateTime(h.occurredAt)} — {ACTOR_ROLE_LABELS[h.actorRole] ?? h.actorRole} — {labelOf(STATE_LABELS, h.from)} → {labelOf(STATE_LABELS, h.to)}
          </Text>
          <Text size="sm" mt={2}>
            Motif : {h.reason}
          </Text>
          {Object.entries(h.decision).length > 0 && (
            <Text size="xs" mt={2}>
              {Object.entries(h.decision)
                .map(([k, v]) => `${DECISION_LABELS[k] ?? k} : ${/^\d{4}-\d{2}-\d{2}$/.test(String(v)) ? formatDate(String(v)) : String(v)}`)
                .join(' ; ')}
            </Text>
          )}
          {h.documentIds.length > 0 && <Text size="xs">Documents : {h.documentIds.map(docName).join(', ')}</Text>}
        </Timeline.Item>
      ))}
    </Timeline>
  );
}

function Documents({ c, structureId }: { c: Candidacy; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [file, setFile] = useState<File | null>(null);
  const upload = useMutation({
    mutationFn: async (f: File) => {
      if (f.size > 700 * 1024) throw new ApiError(413, 'trop_gros', `« ${f.name} » fait ${formatBytes(f.size)} : 700 Kio au plus. Compressez-le ou scindez-le.`);
      return call(api.POST('/structures/{structureId}/candidacy/documents', { params: { path: { structureId } }, body: { filename: f.name, mediaType: f.type || 'application/octet-stream', contentBase64: await fileToBase64(f) } as never }));
    },
    onSuccess: () => {
      setFile(null);
      return queryClient.invalidateQueries({ queryKey: ['candidacy', structureId] });
    },
  });
  return (
    <Stack gap="xs" component="section" aria-labelledby="documents">
      <Title order={3} size="h4" id="documents">
        Documents
      </Title>
      {c.documents.length === 0 ? (
        <Text size="sm">Aucun document déposé. Déposez les engagements signés, le projet de santé ou les décisions reçues.</Text>
      ) : (
        <Stack component="ul" gap={4} style={{ paddingLeft: 18, margin: 0 }}>
          {c.documents.map((d) => (
            <li key={d.id}>
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => {
                  setError(null);
                  downloadFile(api, `/structures/${structureId}/candidacy/documents/${d.id}`, {}, d.filename).catch((e: unknown) => setError(messageOf(e)));
                }}
              >
                {d.filename}
              </Anchor>
              <Text span size="xs">
                {' '}
                — {formatBytes(d.byteSize)}, déposé le {formatDateTime(d.uploadedAt)}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      <Group align="flex-end" gap="sm">
        <label>
          <Text size="sm" fw={500}>
            Déposer un document (PDF, image, bureautique ; 700 Kio au plus)
          </Text>
          <input type="file" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        </label>
        <Button size="xs" variant="outline" disabled={!file} loading={upload.isPending} onClick={() => file && upload.mutate(file)}>
          Déposer
        </Button>
      </Group>
      {(upload.error || error) && (
        <Text size="sm" c="red.9" role="alert">
          {upload.error ? messageOf(upload.error) : error}
        </Text>
      )}
    </Stack>
  );
}

function Actions({ c, eligibility }: { c: Candidacy; eligibility: Eligibility | undefined }) {
  const [open, setOpen] = useState<Next | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const allowed = c.nextTransitions.filter((t) => t.allowedForYou);
  const others = c.nextTransitions.filter((t) => !t.allowedForYou);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="actions">
      <Title order={2} size="h3" id="actions" mb="sm">
        Actions possibles
      </Title>
      <div role="status" aria-live="polite">
        {done && (
          <Text c="#1b5e20" fw={600} mb="sm">
            {done}
          </Text>
        )}
      </div>
      {c.nextTransitions.length === 0 && <Text>Aucune transition possible depuis l’état « {labelOf(STATE_LABELS, c.state)} » : la candidature est close.</Text>}
      <Group gap="sm">
        {allowed.map((t) => (
          <Button key={t.to} onClick={() => { setDone(null); setOpen(t); }}>
            {t.label}
          </Button>
        ))}
      </Group>
      {others.length > 0 && (
        <Text size="sm" mt="sm">
          En attente d’un autre acteur : {others.map((t) => `${t.label} (${t.roles.map((r) => ACTOR_ROLE_LABELS[r] ?? r).join(' ou ')})`).join(' ; ')}.
        </Text>
      )}
      {c.state === 'copil_review' && eligibility && eligibility.overall !== 'pass' && !eligibility.justification && (
        <Alert color="red" mt="sm" title="Justification requise">
          L’éligibilité n’est pas entièrement remplie : enregistrez la justification écrite (panneau Éligibilité) avant la transmission au CTIS.
        </Alert>
      )}
      <Modal opened={open !== null} onClose={() => setOpen(null)} title={open?.label ?? ''} size="lg" closeButtonProps={{ 'aria-label': 'Fermer' }}>
        {open && (
          <TransitionForm
            c={c}
            next={open}
            onDone={(label) => {
              setOpen(null);
              setDone(`« ${label} » enregistrée.`);
            }}
          />
        )}
      </Modal>
    </Paper>
  );
}

function TransitionForm({ c, next, onDone }: { c: Candidacy; next: Next; onDone: (label: string) => void }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const kind = decisionKind(c.state, next.to);
  const [reason, setReason] = useState('');
  const [decision, setDecision] = useState<Record<string, string>>({});
  const [docs, setDocs] = useState<string[]>([]);
  const go = useMutation({
    mutationFn: () =>
      call(
        api.POST('/structures/{structureId}/candidacy/transitions', {
          params: { path: { structureId: c.structureId } },
          body: { to: next.to, reason, documentIds: docs, decision: Object.fromEntries(Object.entries(decision).filter(([, v]) => v.trim())) } as never,
        }),
      ),
    onSuccess: async () => {
      await Promise.all(['candidacy', 'eligibility', 'candidacies', 'structures', 'structure'].map((k) => queryClient.invalidateQueries({ queryKey: [k] })));
      onDone(next.label);
    },
  });
  const fieldError = (key: string) => (go.error instanceof ApiError ? go.error.errors.find((e) => e.field.endsWith(key))?.detail : undefined);
  return (
    <Stack component="form" gap="sm" onSubmit={(e) => { e.preventDefault(); go.mutate(); }}>
      <Text size="sm">
        {labelOf(STATE_LABELS, c.state)} → {labelOf(STATE_LABELS, next.to)}
      </Text>
      <Textarea label="Motif (enregistré dans l’historique et le journal d’audit)" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} autosize minRows={3} error={fieldError('reason')} data-autofocus />
      {DECISION_FIELDS[kind].map((f) => (
        <TextInput
          key={f.key}
          label={f.label}
          type={f.type}
          required
          value={decision[f.key] ?? ''}
          onChange={(e) => setDecision({ ...decision, [f.key]: e.currentTarget.value })}
          error={fieldError(f.key)}
        />
      ))}
      {c.documents.length > 0 && (
        <Checkbox.Group label="Documents joints à cette décision" value={docs} onChange={setDocs}>
          <Stack gap={4} mt={4}>
            {c.documents.map((d) => (
              <Checkbox key={d.id} value={d.id} label={d.filename} />
            ))}
          </Stack>
        </Checkbox.Group>
      )}
      {go.error && (
        <Alert color="red" role="alert" title="La transition n’a pas été enregistrée">
          {messageOf(go.error)}
        </Alert>
      )}
      <Group justify="flex-end">
        <Button type="submit" loading={go.isPending} disabled={!reason.trim()}>
          Confirmer : {next.label}
        </Button>
      </Group>
    </Stack>
  );
}

/** The COPIL/CTIS dossier PDF: generated and archived by the API (immutable, SHA-256), then downloaded. */
function Dossier({ structureId }: { structureId: string }) {
  const { api } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const make = useMutation({
    mutationFn: async () => {
      const archived = (await call(api.POST('/structures/{structureId}/candidacy/dossier', { params: { path: { structureId } } }))) as unknown as { sha256: string; generatedAt: string };
      await downloadFile(api, `/structures/${structureId}/candidacy/dossier`, {}, 'dossier-candidature.pdf');
      return archived;
    },
    onError: (e: unknown) => setError(messageOf(e)),
    onMutate: () => setError(null),
  });
  return (
    <Stack gap="xs" mt="lg" component="section" aria-labelledby="dossier">
      <Title order={3} size="h4" id="dossier">
        Dossier COPIL / CTIS
      </Title>
      <Text size="sm">Le dossier PDF reprend l’identité, l’éligibilité, l’historique et les documents ; chaque version générée est archivée avec son empreinte SHA-256.</Text>
      <Group>
        <Button size="sm" variant="outline" loading={make.isPending} onClick={() => make.mutate()}>
          Générer et télécharger le dossier PDF
        </Button>
      </Group>
      <div aria-live="polite">
        {make.data && (
          <Text size="sm" c="#1b5e20">
            Dossier généré le {formatDateTime(make.data.generatedAt)} (SHA-256 {make.data.sha256.slice(0, 12)}…).
          </Text>
        )}
        {error && (
          <Text size="sm" c="red.9" role="alert">
            Dossier non généré : {error}
          </Text>
        )}
      </div>
    </Stack>
  );
}
