import { Alert, Group, Loader, Progress, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { formatDateTime, ofMonth } from '../format';
import { RUN_STATUS } from './labels';

/** A monthly run as the API reports it (`GET …/statement-runs/{runId}`, `GET /statement-runs`). */
export interface RunLike {
  id: string;
  month: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  errorCode: string | null;
  errorDetail: string | null;
  statementId: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export const isActive = (r: { status: string } | undefined | null): boolean => r?.status === 'queued' || r?.status === 'running';

/**
 * The progress of one monthly run: a labelled bar while it is queued or running (announced politely
 * to screen readers), what happened once it is done, and the API's French reason when it failed,
 * with what to do next. `done` renders the link to the statement the run produced.
 */
export function RunProgress({ run, done, compact = false }: { run: RunLike; done?: ReactNode; compact?: boolean }) {
  const pct = Math.max(0, Math.min(100, Math.round(run.progress)));
  const label = `Calcul ${ofMonth(run.month)} : ${RUN_STATUS[run.status] ?? run.status}`;
  if (run.status === 'failed') {
    return (
      <Alert color="red" title={compact ? undefined : `Le calcul ${ofMonth(run.month)} a échoué`} role="alert">
        <Stack gap={4}>
          {compact && <Text fw={600}>Échec</Text>}
          <Text>{run.errorDetail ?? 'Le calcul s’est arrêté sans motif : relancez-le, puis signalez-le à l’équipe ipso s’il échoue encore.'}</Text>
          {run.errorCode && (
            <Text size="sm" c="gray.8">
              Code : {run.errorCode}
            </Text>
          )}
          {!compact && <Text size="sm">Corrigez les données signalées (import de la patientèle ou de l’activité), puis relancez le calcul du mois.</Text>}
        </Stack>
      </Alert>
    );
  }
  if (run.status === 'done') {
    return (
      <Stack gap={4} role="status">
        <Text c="#1b5e20" fw={600}>
          {compact ? 'Terminé' : `Calcul ${ofMonth(run.month)} terminé`}
          {run.finishedAt ? ` le ${formatDateTime(run.finishedAt)}` : ''}.
        </Text>
        {done}
      </Stack>
    );
  }
  return (
    <Stack gap={4}>
      <Progress value={run.status === 'queued' ? Math.max(pct, 2) : pct} animated aria-label={`${label}, ${pct} %`} />
      <Group gap="xs" role="status" aria-live="polite">
        <Loader size="xs" aria-hidden />
        <Text size="sm">
          {compact ? `${RUN_STATUS[run.status]} (${pct} %)` : `${label} (${pct} %) — vous pouvez quitter cette page, le calcul continue.`}
        </Text>
      </Group>
    </Stack>
  );
}
