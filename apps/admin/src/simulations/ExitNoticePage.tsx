import { Alert, Button, Group, Paper, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useParams } from 'react-router';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatDate } from '../format';
import { STATE_LABELS, labelOf } from '../labels';
import { ACTOR_ROLE_LABELS } from '../candidacies/labels';

type Candidacy = ApiData<'/structures/{structureId}/candidacy'>;

/** Exit notice period (RULES §7, specification §10): effective no earlier than 3 months after CNAM's receipt. */
export const EXIT_NOTICE_MONTHS = 3;

/** 'YYYY-MM-DD' + n civil months, clamped to the month's last day (as apps/api/src/candidacies/transitions.ts addMonths). */
export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number);
  const total = y * 12 + (m - 1) + months;
  const ny = Math.floor(total / 12);
  const nm = (total % 12) + 1;
  const last = new Date(Date.UTC(ny, nm, 0)).getUTCDate();
  return `${ny}-${String(nm).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

const RULE =
  'La sortie est une décision collective de la structure, notifiée par écrit à la CNAM et au COPIL ; elle prend effet au plus tôt 3 mois après la réception du préavis par la CNAM. Les obligations continuent pendant le préavis, les forfaits s’arrêtent à la date effective, les données d’évaluation restent transmises et les patients sont informés.';

/**
 * « Préavis de sortie » (issue #8 item 3, RULES §7): the coordinator notifies the exit of an
 * active (or suspended) structure through the candidacy transition API, when the transition
 * table lets them; otherwise the page says who can and the rule.
 */
export function ExitNoticePage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const candidacy = useQuery({
    queryKey: ['candidacy', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/candidacy', { params: { path: { structureId } } }))) as Candidacy,
  });
  const c = candidacy.data;
  const notFound = candidacy.error instanceof ApiError && candidacy.error.status === 404;
  const exit = c?.nextTransitions.find((t) => t.to === 'exit_notified');
  return (
    <>
      <PageTitle>Préavis de sortie</PageTitle>
      <Stack gap="md">
        <Text>{RULE}</Text>
        {notFound ? (
          <Alert color="gray" role="status" title="Aucune candidature">
            Cette structure n’a pas de dossier de participation : le préavis de sortie concerne une structure entrée dans MTR 2.
          </Alert>
        ) : (
          <QueryState isPending={candidacy.isPending} error={candidacy.error} retry={() => void candidacy.refetch()} what="de l’état de la structure" />
        )}
        {c && c.state === 'exit_notified' && (
          <Alert color="blue" role="status" title="Sortie notifiée">
            Préavis reçu par la CNAM le {formatDate(c.exitNoticeReceivedOn)} : sortie effective au plus tôt le {formatDate(c.earliestExitOn)}. L’équipe
            projet ipso enregistre la sortie effective.
          </Alert>
        )}
        {c && c.state === 'exited' && <Alert color="gray" role="status" title="Structure sortie">Sortie effective le {formatDate(c.exitEffectiveOn)}.</Alert>}
        {c && exit?.allowedForYou && <ExitForm c={c} label={exit.label} />}
        {c && exit && !exit.allowedForYou && (
          <Alert color="gray" role="status" title="Vous ne pouvez pas notifier la sortie">
            Peuvent le faire : {exit.roles.map((r) => ACTOR_ROLE_LABELS[r] ?? r).join(' ou ')}.
          </Alert>
        )}
        {c && !exit && c.state !== 'exit_notified' && c.state !== 'exited' && (
          <Alert color="gray" role="status" title="Préavis impossible dans l’état actuel">
            La structure est « {labelOf(STATE_LABELS, c.state)} » : le préavis de sortie se notifie depuis l’état « {labelOf(STATE_LABELS, 'active')} » ou « {labelOf(STATE_LABELS, 'suspended')} »,
            par la coordination de la structure ou l’équipe projet ipso.
          </Alert>
        )}
      </Stack>
    </>
  );
}

function ExitForm({ c, label }: { c: Candidacy; label: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const [receipt, setReceipt] = useState('');
  const validDate = /^\d{4}-\d{2}-\d{2}$/.test(receipt);
  const go = useMutation({
    mutationFn: () =>
      call(
        api.POST('/structures/{structureId}/candidacy/transitions', {
          params: { path: { structureId: c.structureId } },
          body: { to: 'exit_notified', reason, documentIds: [], decision: { cnamReceiptDate: receipt } } as never,
        }),
      ),
    onSuccess: () => Promise.all(['candidacy', 'structures', 'structure'].map((k) => queryClient.invalidateQueries({ queryKey: [k] }))),
  });
  const fieldError = (key: string) => (go.error instanceof ApiError ? go.error.errors.find((e) => e.field.endsWith(key))?.detail : undefined);
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="notifier-sortie">
      <Title order={2} size="h3" id="notifier-sortie" mb="sm">
        {label}
      </Title>
      <Stack component="form" gap="sm" onSubmit={(e) => { e.preventDefault(); go.mutate(); }}>
        <Textarea label="Motif de la sortie (décision collective de la structure)" required value={reason} onChange={(e) => setReason(e.currentTarget.value)} rows={3} error={fieldError('reason')} />
        <TextInput label="Date de réception du préavis par la CNAM" type="date" required value={receipt} onChange={(e) => setReceipt(e.currentTarget.value)} error={fieldError('cnamReceiptDate')} maw={280} />
        {validDate && (
          <Text size="sm" role="status">
            Sortie effective au plus tôt le {formatDate(addMonths(receipt, EXIT_NOTICE_MONTHS))}.
          </Text>
        )}
        {go.error && (
          <Alert color="red" role="alert" title="Le préavis n’a pas été enregistré">
            {messageOf(go.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" color="red.9" loading={go.isPending} disabled={!reason.trim() || !validDate}>
            Notifier la sortie
          </Button>
        </Group>
      </Stack>
    </Paper>
  );
}
