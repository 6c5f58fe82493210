import { Accordion, Alert, Badge, Button, Fieldset, Group, Paper, Progress, Stack, Text, Textarea } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDateTime } from '../format';
import { fileToBase64 } from '../candidacies/CandidacyPage';
import { AUDIT_STATUS_LABELS, useAudit, type AuditView, type SaveResult, type Thread } from './audit-api';
import { enabledLinkIds, type AnswerMap, type AnswerValue, type QItem, type Questionnaire } from './questionnaire';
import { formatTime, QuestionItem, type SaveState } from './QuestionItem';

const EDITABLE = ['draft', 'changes_requested'];

/** The structure's Annex 6 audit questionnaire: autosave per answer, progress per section, attachments, replies to reviewers. */
export function AuditPage() {
  const { structureId = '' } = useParams();
  const { audit, template } = useAudit(structureId);
  return (
    <>
      <PageTitle>Questionnaire d’audit (annexe 6)</PageTitle>
      <QueryState isPending={audit.isPending} error={audit.error} retry={() => void audit.refetch()} what="du questionnaire" />
      {audit.data === null && (
        <EmptyState title="Le questionnaire n’est pas encore ouvert">
          L’équipe projet ipso ouvre le questionnaire d’audit après la présélection de la structure. Vous serez prévenu ; en attendant, rassemblez le projet de santé et vos contrats types.
        </EmptyState>
      )}
      {audit.data && <QueryState isPending={template.isPending} error={template.error} retry={() => void template.refetch()} what="du modèle de questionnaire" />}
      {audit.data && template.data && <AuditForm key={audit.data.response.id} view={audit.data} q={template.data} structureId={structureId} />}
    </>
  );
}

function AuditForm({ view, q, structureId }: { view: AuditView; q: Questionnaire; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [answers, setAnswers] = useState<AnswerMap>(view.response.answers);
  const [progress, setProgress] = useState(view.progress);
  const [saves, setSaves] = useState<Record<string, SaveState>>({});
  const [lastSaved, setLastSaved] = useState<string | null>(null);
  // A reloaded view (after a submission) replaces the local copy: derived during render.
  const [loaded, setLoaded] = useState(view);
  if (loaded !== view) {
    setLoaded(view);
    setAnswers(view.response.answers);
    setProgress(view.progress);
  }
  const status = view.response.status;
  const editable = EDITABLE.includes(status);
  const enabled = enabledLinkIds(q, answers);
  const lastRequest = status === 'changes_requested' ? view.response.changeRequests[view.response.changeRequests.length - 1] : undefined;
  const flagged = new Set(lastRequest?.flaggedLinkIds ?? []);
  const path = { structureId };

  const saved = (r: SaveResult) => {
    setAnswers((a) => ({ ...a, [r.answer.linkId]: r.answer }));
    setProgress(r.progress);
    setSaves((s) => ({ ...s, [r.answer.linkId]: { state: 'saved', at: r.answer.answeredAt } }));
    setLastSaved(r.answer.answeredAt);
  };
  const failed = (linkId: string, e: unknown) => {
    const conflict = e instanceof ApiError && e.code === 'revision_conflict';
    setSaves((s) => ({ ...s, [linkId]: { state: 'error', message: conflict ? 'Cette réponse a été modifiée entre-temps par quelqu’un d’autre : rechargez la page pour voir la dernière version.' : `Non enregistré : ${messageOf(e)}` } }));
  };
  const commit = (linkId: string, value: AnswerValue | null) => {
    setSaves((s) => ({ ...s, [linkId]: { state: 'saving' } }));
    call(api.PUT('/structures/{structureId}/audit/answers', { params: { path }, body: { linkId, value, expectedRevision: answers[linkId]?.revision ?? 0 } as never })).then(
      (r) => saved(r as unknown as SaveResult),
      (e: unknown) => failed(linkId, e),
    );
  };
  const attach = (linkId: string, file: File) => {
    setSaves((s) => ({ ...s, [linkId]: { state: 'saving' } }));
    fileToBase64(file)
      .then((contentBase64) =>
        call(api.POST('/structures/{structureId}/audit/attachments', { params: { path }, body: { linkId, expectedRevision: answers[linkId]?.revision ?? 0, filename: file.name, mediaType: file.type || 'application/octet-stream', contentBase64 } as never })),
      )
      .then((r) => saved(r as unknown as SaveResult), (e: unknown) => failed(linkId, e));
  };
  const submit = useMutation({
    mutationFn: () => call(api.POST('/structures/{structureId}/audit/submit', { params: { path } })),
    onSuccess: () => Promise.all([queryClient.invalidateQueries({ queryKey: ['audit', structureId] }), queryClient.invalidateQueries({ queryKey: ['candidacy', structureId] })]),
  });
  const threadsOf = (linkId: string) => view.threads.filter((t) => t.linkId === linkId);
  const total = progress.sections.reduce((n, s) => n + s.total, 0);
  const answered = progress.sections.reduce((n, s) => n + s.answered, 0);

  const renderItems = (items: QItem[]): React.ReactNode =>
    items
      .filter((i) => enabled.has(i.linkId))
      .map((i) => {
        if (i.type === 'group')
          return (
            <Fieldset key={i.linkId} legend={i.text ?? i.linkId} variant="unstyled" p={0}>
              <Stack gap="md">{renderItems(i.item ?? [])}</Stack>
            </Fieldset>
          );
        if (i.type === 'display')
          return (
            <Text key={i.linkId} size="sm">
              {i.text}
            </Text>
          );
        return (
          <Paper key={i.linkId} p="sm" withBorder={flagged.has(i.linkId)} bg={flagged.has(i.linkId) ? 'yellow.0' : undefined}>
            {flagged.has(i.linkId) && (
              <Badge color="#8a3b00" variant="outline" tt="none" mb={4}>
                Complément demandé
              </Badge>
            )}
            <QuestionItem item={i} value={answers[i.linkId]?.value} readOnly={!editable} save={saves[i.linkId] ?? { state: 'idle' }} onCommit={(v) => commit(i.linkId, v)} onAttach={(f) => attach(i.linkId, f)} />
            {threadsOf(i.linkId).map((t) => (
              <ThreadView key={t.id} thread={t} structureId={structureId} />
            ))}
          </Paper>
        );
      });

  return (
    <Stack gap="md">
      <Paper withBorder p="md">
        <Group justify="space-between">
          <Text>
            État : <strong>{AUDIT_STATUS_LABELS[status] ?? status}</strong> — {answered} question(s) sur {total} renseignée(s).
          </Text>
          <Text size="sm" role="status" aria-live="polite">
            {lastSaved ? `Toutes vos réponses sont enregistrées (dernière à ${formatTime(lastSaved)}).` : editable ? 'Chaque réponse est enregistrée automatiquement.' : ''}
          </Text>
        </Group>
        <Progress value={total ? (answered / total) * 100 : 0} mt="sm" aria-label={`Progression d’ensemble : ${Math.round(total ? (answered / total) * 100 : 0)} %`} />
        {lastRequest && (
          <Alert color="blue" mt="sm" title={`Compléments demandés le ${formatDateTime(lastRequest.requestedAt)}`}>
            {lastRequest.note ?? 'Complétez les questions signalées.'} {lastRequest.flaggedLinkIds.length} question(s) signalée(s), surlignées ci-dessous.
          </Alert>
        )}
        {!editable && (
          <Text mt="sm" size="sm">
            Le questionnaire est en lecture seule pendant la revue de l’équipe ipso.
          </Text>
        )}
      </Paper>
      <Accordion multiple variant="separated" defaultValue={q.item[0] ? [q.item[0].linkId] : []}>
        {q.item.map((section) => {
          const p = progress.sections.find((s) => s.linkId === section.linkId);
          return (
            <Accordion.Item key={section.linkId} value={section.linkId}>
              <Accordion.Control>
                <Group justify="space-between" wrap="nowrap" pr="sm">
                  <Text fw={600}>{section.text ?? section.linkId}</Text>
                  {p && (
                    <Text size="sm" style={{ whiteSpace: 'nowrap' }}>
                      {p.answered}/{p.total} ({p.percent} %)
                    </Text>
                  )}
                </Group>
                {p && <Progress value={p.percent} size="sm" mt={6} aria-hidden />}
              </Accordion.Control>
              <Accordion.Panel>
                <Stack gap="md">{renderItems(section.item ?? [])}</Stack>
              </Accordion.Panel>
            </Accordion.Item>
          );
        })}
      </Accordion>
      {editable && (
        <Paper withBorder p="md">
          {submit.error && (
            <Alert color="red" role="alert" title="Le questionnaire n’a pas été remis" mb="sm">
              {messageOf(submit.error)}
            </Alert>
          )}
          <Button onClick={() => submit.mutate()} loading={submit.isPending}>
            {status === 'changes_requested' ? 'Remettre le questionnaire complété' : 'Remettre le questionnaire à l’équipe ipso'}
          </Button>
        </Paper>
      )}
    </Stack>
  );
}

export function ThreadView({ thread, structureId }: { thread: Thread; structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [body, setBody] = useState('');
  const act = useMutation({
    mutationFn: (action: 'reply' | 'resolve' | 'reopen') =>
      call(api.POST('/structures/{structureId}/audit/threads/{threadId}', { params: { path: { structureId, threadId: thread.id } }, body: (action === 'reply' ? { action, body } : { action }) as never })),
    onSuccess: () => {
      setBody('');
      return queryClient.invalidateQueries({ queryKey: ['audit', structureId] });
    },
  });
  return (
    <Paper withBorder p="xs" mt="xs" bg="gray.0" component="section" aria-label={`Échange avec l’équipe ipso sur ${thread.linkId}`}>
      <Group gap="xs" mb={4}>
        <Text size="xs" fw={600}>
          {thread.visibility === 'internal' ? 'Note interne ipso' : 'Échange avec la structure'}
        </Text>
        <Badge size="xs" variant="outline" color={thread.status === 'open' ? 'blue.9' : 'gray.8'} tt="none">
          {thread.status === 'open' ? 'ouvert' : 'clos'}
        </Badge>
      </Group>
      {thread.messages.map((m) => (
        <Text key={m.id} size="sm">
          <strong>{m.author.displayName ?? (m.author.side === 'ipso' ? 'Équipe ipso' : 'Structure')}</strong> ({formatDateTime(m.postedAt)}) : {m.body}
        </Text>
      ))}
      {thread.status === 'open' && (
        <Group align="flex-end" mt="xs" gap="xs">
          <Textarea label="Votre réponse" value={body} onChange={(e) => setBody(e.currentTarget.value)} rows={2} style={{ flex: 1 }} />
          <Button size="xs" disabled={!body.trim()} loading={act.isPending} onClick={() => act.mutate('reply')}>
            Répondre
          </Button>
        </Group>
      )}
      {act.error && (
        <Text size="sm" c="red.9" role="alert">
          {messageOf(act.error)}
        </Text>
      )}
    </Paper>
  );
}
