import { Alert, Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Textarea, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { canManageStatements, ownPractitionerId } from '../auth/access';
import { useAuth, useMe } from '../auth/AuthProvider';
import { DownloadButton } from '../components/DownloadButton';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDateTime, formatInteger, formatPercent, ofMonth } from '../format';
import { DiffTable } from './DiffTable';
import { PatientExplanation } from './PatientExplanation';
import type { StatementDetail } from './statements-api';
import { StatusBadge } from './StatementsPage';

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <Text size="sm" c="gray.8">
        {label}
      </Text>
      <Text fw={600} component="div">
        {children}
      </Text>
    </div>
  );
}

/** « Émettre » a draft; a corrected version (it supersedes an issued one) asks for the reason of the correction. */
function IssueForm({ structureId, s }: { structureId: string; s: StatementDetail }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const [reason, setReason] = useState('');
  const issue = useMutation({
    mutationFn: async () =>
      call(api.POST('/structures/{structureId}/statements/{statementId}/issue', { params: { path: { structureId, statementId: s.id } }, body: s.supersedesId ? { reason } : {} })),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: ['statement', structureId, s.id] }),
        queryClient.invalidateQueries({ queryKey: ['statements', structureId] }),
      ]),
  });
  const err = issue.error instanceof ApiError ? issue.error : null;
  const reasonError = err?.errors.find((e) => e.field === 'reason')?.detail;
  return (
    <Paper withBorder p="md" component="form" aria-labelledby="issue-title" onSubmit={(e) => { e.preventDefault(); issue.mutate(); }}>
      <Title order={2} size="h3" id="issue-title" mb="xs">
        Émettre le relevé
      </Title>
      <Text size="sm" mb="sm">
        Vérifiez les totaux et les lignes par médecin. Une fois émis, le relevé ne change plus : il sert à la facturation et ses PDF sont archivés.
        {s.supersedesId ? ' Cette version corrige un relevé déjà émis, qui sera marqué « remplacé ».' : ''}
      </Text>
      {s.supersedesId && (
        <Textarea
          label="Motif de la correction"
          description="5 caractères au moins ; il figure sur le relevé et au journal d’audit."
          required
          autosize
          minRows={2}
          value={reason}
          onChange={(e) => setReason(e.currentTarget.value)}
          error={reasonError}
          mb="sm"
          maw={640}
        />
      )}
      <Button type="submit" loading={issue.isPending} disabled={!!s.supersedesId && reason.trim().length < 5}>
        Émettre
      </Button>
      <div aria-live="polite">
        {issue.error && (
          <Alert color="red" mt="sm" role="alert" title="Le relevé n’a pas été émis">
            {messageOf(issue.error)}
          </Alert>
        )}
      </div>
    </Paper>
  );
}

/** One statement: totals, per-doctor lines, the correction diff, issue, downloads, per-patient explanation. */
export function StatementPage() {
  const { structureId = '', statementId = '' } = useParams();
  const { api } = useAuth();
  const me = useMe();
  const manage = canManageStatements(me, structureId);
  const own = ownPractitionerId(me, structureId);
  const q = useQuery({
    queryKey: ['statement', structureId, statementId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/statements/{statementId}', { params: { path: { structureId, statementId } } }))) as StatementDetail,
  });
  const s = q.data;
  const base = `/structures/${structureId}/statements/${statementId}`;
  const title = s ? `Relevé ${ofMonth(s.month)} — version ${s.version}` : 'Relevé mensuel';
  const doctorName = (id: string) => s?.doctors.find((d) => d.practitionerId === id)?.name ?? `médecin ${id.slice(0, 8)}`;
  return (
    <>
      <PageTitle>{title}</PageTitle>
      <Anchor component={Link} to={`/structures/${structureId}/releves`} mb="md" display="inline-block">
        ← Tous les relevés
      </Anchor>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="du relevé" />
      {s && (
        <Stack gap="lg">
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 2, sm: 4 }} spacing="md">
              <Fact label="Numéro">{s.number}</Fact>
              <Fact label="Statut">
                <StatusBadge status={s.status} />
              </Fact>
              <Fact label="Total brut">{formatCents(s.grossCents)}</Fact>
              <Fact label="Total net facturé">{formatCents(s.netCents)}</Fact>
              <Fact label="Taux de fuite théorique">{formatPercent(Number(s.theoreticalLeakageRate))}</Fact>
              <Fact label="Patients payés">
                {formatInteger(s.patientsPaid)} sur {formatInteger(s.patientsCovered)} couverts
              </Fact>
              <Fact label="Grille">{s.gridVersion}</Fact>
              <Fact label={s.issuedAt ? 'Émis le' : 'Calculé le'}>{formatDateTime(s.issuedAt ?? s.createdAt)}</Fact>
            </SimpleGrid>
            {s.correctionReason && <Text mt="sm">Motif de la correction : {s.correctionReason}</Text>}
            {s.status === 'superseded' && <Text mt="sm">Ce relevé a été remplacé par une version corrigée : ouvrez la version la plus récente du mois dans la liste.</Text>}
            {s.status === 'draft' && !manage && <Text mt="sm">Brouillon : la coordination de la structure le vérifie puis l’émet.</Text>}
          </Paper>

          {manage && s.status === 'draft' && <IssueForm structureId={structureId} s={s} />}

          {manage && (
            <section aria-labelledby="downloads">
              <Title order={2} size="h3" id="downloads" mb="sm">
                Téléchargements
              </Title>
              {s.status === 'draft' && <Text size="sm" mb="xs">Brouillon : le PDF porte la mention BROUILLON et n’est pas archivé ; émettez le relevé avant de le transmettre.</Text>}
              <Group align="flex-start">
                <DownloadButton path={`${base}/billing.csv`} label="Fichier de facturation (CSV)" fallbackName={`facturation-${s.number}.csv`} />
                <DownloadButton path={`${base}/billing.json`} label="Fichier de facturation (JSON)" fallbackName={`facturation-${s.number}.json`} />
                <DownloadButton path={`${base}/statement.pdf`} label="Relevé de la structure (PDF)" fallbackName={`${s.number}.pdf`} />
              </Group>
            </section>
          )}

          {s.diff && (
            <section aria-labelledby="diff">
              <Title order={2} size="h3" id="diff" mb="sm">
                Correction : ce qui change
              </Title>
              <DiffTable diff={s.diff} doctorName={doctorName} />
            </section>
          )}

          <section aria-labelledby="doctors">
            <Title order={2} size="h3" id="doctors" mb="sm">
              Lignes par médecin traitant
            </Title>
            {s.doctors.length === 0 ? (
              <Text>Aucun patient payé ce mois-ci : vérifiez que la patientèle et l’activité sont importées, puis relancez le calcul.</Text>
            ) : (
              <Stack gap="md">
                {s.doctors.map((d) => (
                  <div key={d.practitionerId}>
                    <FigureTable
                      caption={`${d.name} (RPPS ${d.rpps}) — ${formatCents(d.netCents)}`}
                      rows={d.lines}
                      rowKey={(l) => l.code}
                      columns={[
                        { header: 'Ligne', cell: (l) => l.label },
                        { header: 'Patients', numeric: true, cell: (l) => formatInteger(l.patientCount) },
                        { header: 'Prix unitaire brut', numeric: true, cell: (l) => formatCents(l.unitGrossCents) },
                        { header: 'Prix unitaire net', numeric: true, cell: (l) => formatCents(l.unitNetCents) },
                        { header: 'Montant', numeric: true, cell: (l) => formatCents(l.amountCents) },
                      ]}
                    />
                    {(manage || own === d.practitionerId) && (
                      <Group mt="xs">
                        <DownloadButton
                          path={`${base}/doctors/${d.practitionerId}/statement.pdf`}
                          label={`Relevé PDF de ${d.name}`}
                          fallbackName={`${s.number}-${d.rpps}.pdf`}
                          variant="default"
                        />
                      </Group>
                    )}
                  </div>
                ))}
              </Stack>
            )}
          </section>

          <section aria-labelledby="patients">
            <Title order={2} size="h3" id="patients" mb="sm">
              Explication par patient
            </Title>
            <PatientExplanation structureId={structureId} statement={s} />
          </section>
        </Stack>
      )}
    </>
  );
}
