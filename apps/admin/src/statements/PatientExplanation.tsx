import { Badge, Button, Group, List, NativeSelect, Paper, Stack, Text, Title } from '@mantine/core';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client';
import { useAuth } from '../auth/AuthProvider';
import { QueryState } from '../components/QueryState';
import { formatCents, formatInteger } from '../format';
import { PATIENT_STATUS } from './labels';
import type { PatientLine, StatementDetail } from './statements-api';

const PAGE = 25;

interface PaidLine {
  code: string;
  label?: string;
  netCents: number;
  grossCents: number;
  rule?: string;
  text?: string;
}
interface NotPaid {
  code: string;
  label: string;
  outcome: string;
  rule: string;
  text: string;
}
const OUTCOME: Record<string, string> = { excluded: 'exclu', criteriaNotMet: 'critères non remplis', replaced: 'remplacé' };

function PatientCard({ p }: { p: PatientLine }) {
  const lines = p.lines as PaidLine[];
  const notPaid = (Array.isArray(p.explanation.notPaid) ? p.explanation.notPaid : []) as NotPaid[];
  const warnings = (Array.isArray(p.explanation.warnings) ? p.explanation.warnings : []) as { code: string; text: string }[];
  const statusText = typeof p.explanation.statusText === 'string' ? p.explanation.statusText : null;
  return (
    <Paper withBorder p="sm" component="article" aria-labelledby={`pt-${p.patientId}`}>
      <Group justify="space-between" wrap="wrap" gap="xs">
        <Title order={3} size="h5" id={`pt-${p.patientId}`}>
          Patient {p.externalId}
        </Title>
        <Group gap="xs">
          <Badge variant="outline" color={p.status === 'paid' ? '#1b5e20' : '#495057'} tt="none">
            {PATIENT_STATUS[p.status] ?? p.status}
          </Badge>
          <Text fw={700}>{formatCents(p.netCents)}</Text>
        </Group>
      </Group>
      <Text size="sm" c="gray.8">
        Médecin traitant : RPPS {p.mtRpps}
      </Text>
      {statusText && <Text size="sm">{statusText}</Text>}
      {lines.length > 0 && (
        <>
          <Text fw={600} size="sm" mt="xs">
            Payé
          </Text>
          <List size="sm" spacing={2}>
            {lines.map((l) => (
              <List.Item key={l.code}>
                <strong>{l.label ?? l.code}</strong> : {formatCents(l.netCents)} net ({formatCents(l.grossCents)} brut) — {l.text}
                {l.rule && <Text span c="gray.8"> [règle {l.rule}]</Text>}
              </List.Item>
            ))}
          </List>
        </>
      )}
      {notPaid.length > 0 && (
        <>
          <Text fw={600} size="sm" mt="xs">
            Non payé, et pourquoi
          </Text>
          <List size="sm" spacing={2}>
            {notPaid.map((n) => (
              <List.Item key={n.code}>
                <strong>{n.label}</strong> ({OUTCOME[n.outcome] ?? n.outcome}) : {n.text}
                <Text span c="gray.8"> [règle {n.rule}]</Text>
              </List.Item>
            ))}
          </List>
        </>
      )}
      {warnings.length > 0 && (
        <>
          <Text fw={600} size="sm" mt="xs" c="#8a3b00">
            À vérifier
          </Text>
          <List size="sm">
            {warnings.map((w) => (
              <List.Item key={w.code}>{w.text}</List.Item>
            ))}
          </List>
        </>
      )}
    </Paper>
  );
}

/**
 * « Pourquoi ce patient est-il payé ce montant ? » — the stored per-patient explanation of a
 * statement (GET …/statements/{id}/patients), 25 patients a page, filtered by doctor: each paid
 * line with its rule and its text, what is not paid and why, the engine's warnings.
 */
export function PatientExplanation({ structureId, statement }: { structureId: string; statement: StatementDetail }) {
  const { api } = useAuth();
  const [practitionerId, setPractitionerId] = useState('');
  const [offset, setOffset] = useState(0);
  const q = useQuery({
    queryKey: ['statement-patients', structureId, statement.id, practitionerId, offset],
    placeholderData: keepPreviousData,
    queryFn: async () =>
      (await call(
        api.GET('/structures/{structureId}/statements/{statementId}/patients', {
          params: { path: { structureId, statementId: statement.id }, query: { offset, limit: PAGE + 1, ...(practitionerId ? { practitionerId } : {}) } as never },
        }),
      )) as PatientLine[],
  });
  const shown = q.data?.slice(0, PAGE) ?? [];
  const more = (q.data?.length ?? 0) > PAGE;
  return (
    <Stack gap="sm">
      <Text size="sm">
        Chaque patient du relevé avec les lignes payées, la règle appliquée, ce qui n’est pas payé et pourquoi. Les patients sont désignés par leur identifiant
        dans la structure.
      </Text>
      <NativeSelect
        label="Médecin traitant"
        value={practitionerId}
        onChange={(e) => {
          setPractitionerId(e.currentTarget.value);
          setOffset(0);
        }}
        data={[{ value: '', label: 'Tous les médecins' }, ...statement.doctors.map((d) => ({ value: d.practitionerId, label: `${d.name} (RPPS ${d.rpps})` }))]}
        maw={420}
      />
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="des explications par patient" />
      {q.data && shown.length === 0 && <Text>Aucun patient pour ce médecin dans ce relevé.</Text>}
      {shown.length > 0 && (
        <>
          <Text size="sm" role="status" aria-live="polite">
            Patients {formatInteger(offset + 1)} à {formatInteger(offset + shown.length)}
            {q.isFetching ? ' (chargement…)' : ''}
          </Text>
          <Stack gap="xs">
            {shown.map((p) => (
              <PatientCard key={p.patientId} p={p} />
            ))}
          </Stack>
          <Group>
            <Button variant="default" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
              Patients précédents
            </Button>
            <Button variant="default" disabled={!more} onClick={() => setOffset(offset + PAGE)}>
              Patients suivants
            </Button>
          </Group>
        </>
      )}
    </Stack>
  );
}
