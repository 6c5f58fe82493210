import { Alert, Badge, Button, Group, List, NativeSelect, Paper, SimpleGrid, Stack, Text, Title, VisuallyHidden } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { call } from '../api/client';
import { messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { canManageStatements } from '../auth/access';
import { useAuth, useMe } from '../auth/AuthProvider';
import { DownloadButton } from '../components/DownloadButton';
import { EmptyState } from '../components/EmptyState';
import { FigureTable } from '../components/FigureTable';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDate, formatDateTime, formatMonth, formatSignedCents } from '../format';
import { programmeMonths } from '../statements/labels';
import { useStructure } from '../statements/statements-api';

type SafeguardList = ApiData<'/structures/{structureId}/safeguard'>;
type SafeguardDetail = ApiData<'/structures/{structureId}/safeguard/{practitionerId}'>;

const STATUS: Record<string, { label: string; color: string }> = {
  not_started: { label: 'pas commencée', color: '#495057' },
  in_progress: { label: 'en cours', color: '#1c5fa8' },
  complete: { label: 'à émettre', color: '#8a3b00' },
  issued: { label: 'définitif émis', color: '#1b5e20' },
};
const METHOD: Record<string, string> = {
  actsByDoctor: 'actes réalisés par le médecin pour ses patients inclus',
  actsOnDoctorMtPatients: 'actes de toute la structure sur les patients dont il est le médecin traitant',
};
const IGNORED: Record<string, string> = {
  notAnnex3: 'hors annexe 3',
  outsideWindow: 'hors fenêtre',
  outsidePerimeter: 'hors périmètre de la méthode',
  patientNotIncluded: 'patient non inclus ce mois-là',
  performerNotInStructure: 'réalisés par une personne extérieure à la structure',
  professionWithoutAnnex3: 'profession sans acte de l’annexe 3',
  unreadableCode: 'code illisible',
};
const monthRange = (a: string, b: string) => `${formatMonth(a)} – ${formatMonth(b)}`;

function DoctorDetail({ structureId, practitionerId, asOf, manage }: { structureId: string; practitionerId: string; asOf: string; manage: boolean }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const q = useQuery({
    queryKey: ['safeguard', structureId, practitionerId, asOf],
    queryFn: async () =>
      (await call(api.GET('/structures/{structureId}/safeguard/{practitionerId}', { params: { path: { structureId, practitionerId }, query: { asOf } as never } }))) as SafeguardDetail,
  });
  const issue = useMutation({
    mutationFn: async () => call(api.POST('/structures/{structureId}/safeguard/{practitionerId}/issue', { params: { path: { structureId, practitionerId } } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['safeguard', structureId] }),
  });
  const d = q.data;
  const name = d ? `Dr ${d.firstName} ${d.lastName}` : 'du médecin';
  return (
    <section aria-labelledby="safeguard-detail">
      <Title order={2} size="h3" id="safeguard-detail" mb="sm">
        {d ? `Détail de ${name} (RPPS ${d.rpps})` : 'Détail du médecin'}
      </Title>
      <QueryState isPending={q.isPending} error={q.error} retry={() => void q.refetch()} what="du détail de la clause" />
      {d && (
        <Stack gap="md">
          <Paper withBorder p="md">
            <SimpleGrid cols={{ base: 2, sm: 4 }}>
              <div>
                <Text size="sm" c="gray.8">Fenêtre de 12 mois</Text>
                <Text fw={600}>{monthRange(d.windowStart, d.windowEnd)}</Text>
              </div>
              <div>
                <Text size="sm" c="gray.8">Forfaits cumulés</Text>
                <Text fw={600}>{formatCents(d.totals.forfaitNetCents)}</Text>
              </div>
              <div>
                <Text size="sm" c="gray.8">Valeur à l’acte cumulée</Text>
                <Text fw={600}>{formatCents(d.totals.feeForServiceCents)}</Text>
              </div>
              <div>
                <Text size="sm" c="gray.8">{d.final ? 'Compensation définitive' : 'Compensation provisoire'}</Text>
                <Text fw={700}>{formatCents(d.totals.compensationCents)}</Text>
              </div>
            </SimpleGrid>
            <Text size="sm" mt="sm">
              Méthode de la convention : {METHOD[d.method] ?? d.method}. Paramètres {d.paramsVersion}, version des tarifs {d.tariffVersion.slice(0, 12)}….
            </Text>
          </Paper>
          {d.months.length === 0 ? (
            <Text>La fenêtre de ce médecin n’a pas encore commencé au mois choisi : aucun mois à montrer.</Text>
          ) : (
            <FigureTable
              caption={`Mois par mois, ${name}`}
              rows={d.months}
              rowKey={(m) => m.month}
              columns={[
                { header: 'Mois', cell: (m) => formatMonth(m.month) },
                { header: 'Relevé mensuel source', cell: (m) => (m.monthlyStatement ? `${m.monthlyStatement.number} (v${m.monthlyStatement.version})` : 'aucun relevé émis : compte 0 €') },
                { header: 'Forfaits', numeric: true, cell: (m) => formatCents(m.forfaitNetCents) },
                { header: 'Valeur à l’acte', numeric: true, cell: (m) => formatCents(m.feeForServiceCents) },
                { header: 'Écart cumulé', numeric: true, cell: (m) => formatSignedCents(m.runningDifferenceCents) },
                { header: 'Compensation provisoire', numeric: true, cell: (m) => formatCents(m.provisionalCompensationCents) },
              ]}
            />
          )}
          {Object.values(d.ignoredActs).some((n) => n > 0) && (
            <div>
              <Text fw={600} size="sm">Actes non retenus</Text>
              <List size="sm">
                {Object.entries(d.ignoredActs)
                  .filter(([, n]) => n > 0)
                  .map(([k, n]) => (
                    <List.Item key={k}>
                      {n} acte(s) {IGNORED[k] ?? k}
                    </List.Item>
                  ))}
              </List>
            </div>
          )}
          {d.tariffs.length > 0 && (
            <FigureTable
              caption="Tarifs appliqués"
              rows={d.tariffs}
              rowKey={(t) => t.id}
              columns={[
                { header: 'Code', cell: (t) => t.code },
                { header: 'Libellé', cell: (t) => t.label },
                { header: 'Montant', numeric: true, cell: (t) => formatCents(t.amountCents) },
                { header: 'Période', cell: (t) => `du ${formatDate(t.validFrom)}${t.validTo ? ` au ${formatDate(t.validTo)}` : ''}` },
                { header: 'Source', cell: (t) => t.source },
              ]}
            />
          )}
          <Paper withBorder p="md">
            <Title order={3} size="h4" mb="xs">
              Relevé définitif
            </Title>
            {d.issued ? (
              <Text mb="sm">
                Relevé {d.issued.number} émis le {formatDateTime(d.issued.issuedAt)} (empreinte SHA-256 {d.issued.sha256.slice(0, 16)}…).
              </Text>
            ) : d.status === 'complete' ? (
              <Text mb="sm">La fenêtre est terminée : émettez le relevé définitif, il fixe la compensation due.</Text>
            ) : (
              <Text mb="sm">
                Le relevé définitif s’émet après le 12e mois ({formatMonth(d.windowEnd)}), une fois les 12 relevés mensuels émis. Le PDF ci-dessous est un relevé provisoire.
              </Text>
            )}
            <Group align="flex-start">
              {manage && !d.issued && d.status === 'complete' && (
                <Button loading={issue.isPending} onClick={() => issue.mutate()}>
                  Émettre le relevé définitif
                </Button>
              )}
              <DownloadButton
                path={`/structures/${structureId}/safeguard/${practitionerId}/statement.pdf`}
                label={d.issued ? 'Relevé définitif (PDF)' : 'Relevé provisoire (PDF)'}
                fallbackName={`sauvegarde-${d.rpps}.pdf`}
              />
            </Group>
            <div aria-live="polite">
              {issue.error && (
                <Alert color="red" mt="sm" role="alert" title="Relevé définitif non émis">
                  {messageOf(issue.error)}
                </Alert>
              )}
            </div>
          </Paper>
        </Stack>
      )}
    </section>
  );
}

/** Issue #6 §4 in the web app: the safeguard clause of a non-ipso structure's GPs, per doctor window. */
export function SafeguardPage() {
  const { structureId = '' } = useParams();
  const { api } = useAuth();
  const me = useMe();
  const manage = canManageStatements(me, structureId);
  const structure = useStructure(structureId);
  const months = useMemo(() => programmeMonths(), []);
  const [asOf, setAsOf] = useState(months[0] ?? '2026-05');
  const [selected, setSelected] = useState<string | null>(null);
  const applicable = !!structure.data && !structure.data.ipsoNetwork && !!structure.data.conventionEntryDate;
  const list = useQuery({
    queryKey: ['safeguard', structureId, 'list', asOf],
    enabled: applicable,
    queryFn: async () => (await call(api.GET('/structures/{structureId}/safeguard', { params: { path: { structureId }, query: { asOf } as never } }))) as SafeguardList,
  });
  const doctors = list.data?.doctors ?? [];
  const current = selected ?? doctors[0]?.practitionerId ?? null;
  return (
    <>
      <PageTitle>Clause de sauvegarde</PageTitle>
      <Text mb="md" maw={820}>
        Pendant les 12 premiers mois de sa participation, chaque médecin généraliste d’une structure hors réseau ipso est assuré de ne pas percevoir moins
        qu’à l’acte : si la valeur de ses actes (annexe 3) dépasse ses forfaits, la différence lui est compensée.
      </Text>
      <QueryState isPending={structure.isPending} error={structure.error} retry={() => void structure.refetch()} what="de la structure" />
      {structure.data?.ipsoNetwork && (
        <EmptyState title="La clause de sauvegarde ne s’applique pas à cette structure">
          {structure.data.name} fait partie du réseau ipso santé : la clause de sauvegarde ne concerne que les médecins des structures hors réseau ipso (cahier des
          charges, §8). Rien n’est à suivre ici.
        </EmptyState>
      )}
      {structure.data && !structure.data.ipsoNetwork && !structure.data.conventionEntryDate && (
        <EmptyState title="Pas encore de fenêtre de sauvegarde">
          La date d’entrée de la structure dans le programme (convention CNAM) n’est pas renseignée : les fenêtres de 12 mois des médecins partent de cette date.
          L’équipe ipso la saisit une fois la convention signée.
        </EmptyState>
      )}
      {applicable && (
        <Stack gap="lg">
          <NativeSelect
            label="Situation au mois de"
            description="Les mois suivants ne sont pas pris en compte (vue provisoire)."
            value={asOf}
            onChange={(e) => setAsOf(e.currentTarget.value)}
            data={months.map((m) => ({ value: m, label: formatMonth(m) }))}
            maw={260}
          />
          <QueryState isPending={list.isPending} error={list.error} retry={() => void list.refetch()} what="de la clause de sauvegarde" />
          {list.data &&
            (doctors.length === 0 ? (
              <EmptyState title="Aucun médecin généraliste à suivre">
                La clause porte sur les médecins généralistes de la structure. Ajoutez-les dans « Ma structure et ses praticiens » (profession « Médecin
                généraliste », date d’arrivée) : leur fenêtre apparaîtra ici.
              </EmptyState>
            ) : (
              <FigureTable
                caption={`Médecins généralistes, situation en ${formatMonth(list.data.asOf)}`}
                rows={doctors}
                rowKey={(d) => d.practitionerId}
                columns={[
                  { header: 'Médecin', cell: (d) => `Dr ${d.firstName} ${d.lastName}` },
                  { header: 'Fenêtre', cell: (d) => monthRange(d.windowStart, d.windowEnd) },
                  {
                    header: 'Statut',
                    cell: (d) => (
                      <Badge variant="outline" color={STATUS[d.status]?.color} tt="none">
                        {STATUS[d.status]?.label ?? d.status}
                      </Badge>
                    ),
                  },
                  { header: 'Forfaits', numeric: true, cell: (d) => formatCents(d.totals.forfaitNetCents) },
                  { header: 'Valeur à l’acte', numeric: true, cell: (d) => formatCents(d.totals.feeForServiceCents) },
                  { header: 'Écart', numeric: true, cell: (d) => formatSignedCents(d.totals.differenceCents) },
                  { header: 'Compensation', numeric: true, cell: (d) => formatCents(d.totals.compensationCents) },
                  {
                    header: 'Détail',
                    cell: (d) => (
                      <Button size="xs" variant={d.practitionerId === current ? 'filled' : 'default'} aria-pressed={d.practitionerId === current} onClick={() => setSelected(d.practitionerId)}>
                        Voir le détail<VisuallyHidden> de Dr {d.firstName} {d.lastName}</VisuallyHidden>
                      </Button>
                    ),
                  },
                ]}
              />
            ))}
          {current && <DoctorDetail key={`${current}-${asOf}`} structureId={structureId} practitionerId={current} asOf={asOf} manage={manage} />}
        </Stack>
      )}
    </>
  );
}
