import { Accordion, Alert, Anchor, Button, Checkbox, Group, NativeSelect, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import { messageOf } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDateTime, formatInteger } from '../format';
import { AUDIT_STATUS_LABELS, RUBRIC_SCALE, useAudit, type AuditView } from './audit-api';
import { ThreadView } from './AuditPage';
import { answerText, enabledLinkIds, indexItems, type AnswerValue, type QItem, type Questionnaire } from './questionnaire';

const IN_REVIEW = ['submitted', 'resubmitted'];
const CHANGE_LABELS = { added: 'ajoutée', changed: 'modifiée', removed: 'retirée' } as const;
const num = (n: number) => formatInteger(n);

/** ipso's audit review: read-only answers beside reviewer threads, rubric per section, diff since the last submission, request changes or accept. */
export function AuditReviewPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const { audit, template } = useAudit(structureId);
  const open = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/audit', { params: { path: { structureId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['audit', structureId] }),
  });
  return (
    <>
      <PageTitle>Revue de l’audit</PageTitle>
      <Anchor component={Link} to={`/candidatures/${structureId}`} mb="md" display="inline-block">
        ← Retour à la candidature
      </Anchor>
      <QueryState isPending={audit.isPending} error={audit.error} retry={() => void audit.refetch()} what="du questionnaire" />
      {audit.data === null && (
        <EmptyState
          title="Questionnaire pas encore ouvert"
          action={
            <Group>
              <Button onClick={() => open.mutate()} loading={open.isPending}>
                Ouvrir le questionnaire à la structure
              </Button>
              {open.error && (
                <Text c="red.9" role="alert">
                  {messageOf(open.error)}
                </Text>
              )}
            </Group>
          }
        >
          Ouvrez le questionnaire (dernière version publiée) : la coordination de la structure pourra le remplir.
        </EmptyState>
      )}
      {audit.data && template.data && <Review view={audit.data} q={template.data} structureId={structureId} />}
    </>
  );
}

function Review({ view, q, structureId }: { view: AuditView; q: Questionnaire; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const r = view.response;
  const items = indexItems(q);
  const enabled = enabledLinkIds(q, r.answers);
  const inReview = IN_REVIEW.includes(r.status);
  const [flags, setFlags] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ['audit', structureId] }), queryClient.invalidateQueries({ queryKey: ['candidacy', structureId] })]);
  const requestChanges = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/audit/request-changes', { params: { path: { structureId } }, body: { flaggedLinkIds: flags, ...(note.trim() ? { note } : {}) } as never })),
    onSuccess: () => {
      setFlags([]);
      setNote('');
      return refresh();
    },
  });
  const accept = useMutation({ mutationFn: () => call(api.POST('/structures/{structureId}/audit/accept', { params: { path: { structureId } } })), onSuccess: refresh });
  const last = r.submissions[r.submissions.length - 1];
  const show = (linkId: string, v: unknown) => answerText(items.get(linkId), v as AnswerValue, num);

  const renderItems = (list: QItem[]): React.ReactNode =>
    list
      .filter((i) => enabled.has(i.linkId) && i.type !== 'display')
      .map((i) =>
        i.type === 'group' ? (
          <Stack key={i.linkId} gap="xs">
            <Text fw={600} size="sm">
              {i.text}
            </Text>
            {renderItems(i.item ?? [])}
          </Stack>
        ) : (
          <Paper key={i.linkId} withBorder p="sm">
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="sm">
              <div>
                <Text size="sm" fw={600}>
                  {i.text}
                </Text>
                <Text size="sm" mt={4}>
                  Réponse : {show(i.linkId, r.answers[i.linkId]?.value)}
                </Text>
                {inReview && <Checkbox mt="xs" label="Demander un complément sur cette question" checked={flags.includes(i.linkId)} onChange={(e) => setFlags(e.currentTarget.checked ? [...flags, i.linkId] : flags.filter((f) => f !== i.linkId))} />}
              </div>
              <div>
                {view.threads
                  .filter((t) => t.linkId === i.linkId)
                  .map((t) => (
                    <ThreadView key={t.id} thread={t} structureId={structureId} />
                  ))}
                <NewThread linkId={i.linkId} structureId={structureId} />
              </div>
            </SimpleGrid>
          </Paper>
        ),
      );

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Text>
            État : <strong>{AUDIT_STATUS_LABELS[r.status] ?? r.status}</strong> — {r.submissions.length} remise(s)
            {last ? `, la dernière le ${formatDateTime(last.submittedAt)}` : ''}.
          </Text>
          {view.rubric && (
            <Text size="sm">
              Notation : {view.rubric.scored}/{view.rubric.total} section(s){view.rubric.average !== null ? `, moyenne ${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(view.rubric.average)} / 3` : ''}
            </Text>
          )}
        </Group>
        {!inReview && r.status !== 'accepted' && <Text size="sm" mt="xs">La structure n’a pas encore remis le questionnaire : les réponses ci-dessous sont en cours de saisie.</Text>}
      </Paper>
      {last && last.diff.length > 0 && (
        <Paper withBorder p="md" component="section" aria-labelledby="differentiel">
          <Title order={2} size="h3" id="differentiel" mb="xs">
            Modifications depuis la remise précédente
          </Title>
          <Stack component="ul" gap={4} style={{ paddingLeft: 18, margin: 0 }}>
            {last.diff.map((d) => (
              <li key={d.linkId}>
                <Text size="sm">
                  {items.get(d.linkId)?.text ?? d.linkId} — {CHANGE_LABELS[d.change]}
                  {d.flagged ? ' (complément demandé)' : ''} : {show(d.linkId, d.before)} → {show(d.linkId, d.after)}
                </Text>
              </li>
            ))}
          </Stack>
        </Paper>
      )}
      <Accordion multiple variant="separated">
        {q.item.map((section) => (
          <Accordion.Item key={section.linkId} value={section.linkId}>
            <Accordion.Control>
              <Group justify="space-between" wrap="nowrap" pr="sm">
                <Text fw={600}>{section.text}</Text>
                <Text size="sm">{view.rubric?.sections.find((s) => s.linkId === section.linkId)?.label ?? 'non notée'}</Text>
              </Group>
            </Accordion.Control>
            <Accordion.Panel>
              <Stack gap="sm">
                <RubricForm sectionLinkId={section.linkId} current={view.rubric?.sections.find((s) => s.linkId === section.linkId)?.score ?? null} structureId={structureId} />
                {renderItems(section.item ?? [])}
              </Stack>
            </Accordion.Panel>
          </Accordion.Item>
        ))}
      </Accordion>
      {inReview && (
        <Paper withBorder p="md" component="section" aria-labelledby="decision-audit">
          <Title order={2} size="h3" id="decision-audit" mb="sm">
            Décision sur cette remise
          </Title>
          <Textarea label="Note à la structure (facultative)" value={note} onChange={(e) => setNote(e.currentTarget.value)} rows={2} mb="sm" />
          {(requestChanges.error || accept.error) && (
            <Alert color="red" role="alert" mb="sm" title="Décision non enregistrée">
              {messageOf(requestChanges.error ?? accept.error)}
            </Alert>
          )}
          <Group>
            <Button variant="outline" disabled={flags.length === 0} loading={requestChanges.isPending} onClick={() => requestChanges.mutate()}>
              Demander des compléments ({flags.length} question(s) signalée(s))
            </Button>
            <Button loading={accept.isPending} onClick={() => accept.mutate()}>
              Accepter le questionnaire
            </Button>
          </Group>
        </Paper>
      )}
    </Stack>
  );
}

function RubricForm({ sectionLinkId, current, structureId }: { sectionLinkId: string; current: number | null; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [score, setScore] = useState(current === null ? '' : String(current));
  const [justification, setJustification] = useState('');
  const save = useMutation({
    mutationFn: () => call(api.PUT('/structures/{structureId}/audit/rubric', { params: { path: { structureId } }, body: { sectionLinkId, score: Number(score), justification } as never })),
    onSuccess: () => {
      setJustification('');
      return queryClient.invalidateQueries({ queryKey: ['audit', structureId] });
    },
  });
  return (
    <Paper withBorder p="sm" bg="gray.0" component="form" aria-label={`Notation de la section ${sectionLinkId}`} onSubmit={(e) => { e.preventDefault(); save.mutate(); }}>
      <Group align="flex-end" gap="sm">
        <NativeSelect label="Note de la section" value={score} onChange={(e) => setScore(e.currentTarget.value)} data={[{ value: '', label: '— choisir —' }, ...RUBRIC_SCALE.map((s) => ({ value: String(s.score), label: `${s.score} — ${s.label}` }))]} />
        <Textarea label="Justification (obligatoire)" value={justification} onChange={(e) => setJustification(e.currentTarget.value)} rows={1} style={{ flex: 1 }} miw={220} />
        <Button type="submit" size="sm" variant="outline" disabled={score === '' || !justification.trim()} loading={save.isPending}>
          Noter
        </Button>
      </Group>
      {save.error && (
        <Text size="sm" c="red.9" role="alert" mt={4}>
          {messageOf(save.error)}
        </Text>
      )}
      {save.isSuccess && (
        <Text size="sm" c="#1b5e20" mt={4}>
          Note enregistrée.
        </Text>
      )}
    </Paper>
  );
}

function NewThread({ linkId, structureId }: { linkId: string; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const [visibility, setVisibility] = useState<'shared' | 'internal'>('shared');
  const [open, setOpen] = useState(false);
  const start = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/audit/threads', { params: { path: { structureId } }, body: { linkId, visibility, body } as never })),
    onSuccess: () => {
      setBody('');
      setOpen(false);
      return queryClient.invalidateQueries({ queryKey: ['audit', structureId] });
    },
  });
  if (!open)
    return (
      <Button size="xs" variant="subtle" mt="xs" onClick={() => setOpen(true)}>
        Commenter cette réponse
      </Button>
    );
  return (
    <Stack gap={4} mt="xs">
      <NativeSelect label="Visibilité" size="xs" value={visibility} onChange={(e) => setVisibility(e.currentTarget.value as 'shared' | 'internal')} data={[{ value: 'shared', label: 'Partagé avec la structure' }, { value: 'internal', label: 'Interne à l’équipe ipso' }]} />
      <Textarea label="Commentaire" value={body} onChange={(e) => setBody(e.currentTarget.value)} rows={2} />
      {start.error && (
        <Text size="sm" c="red.9" role="alert">
          {messageOf(start.error)}
        </Text>
      )}
      <Group gap="xs">
        <Button size="xs" disabled={!body.trim()} loading={start.isPending} onClick={() => start.mutate()}>
          Publier
        </Button>
        <Button size="xs" variant="default" onClick={() => setOpen(false)}>
          Annuler
        </Button>
      </Group>
    </Stack>
  );
}

