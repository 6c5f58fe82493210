import { Alert, Badge, Button, Group, NativeSelect, Paper, Radio, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';
import { DownloadButton } from '../components/DownloadButton';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';
import { QueryState } from '../components/QueryState';
import { formatCents, formatDate, formatDateTime, formatSignedCents, parseEurosToCents } from '../format';
import { useStructures } from '../pages/structures-query';

type Regularisation = ApiData<'/structures/{structureId}/regularisations/{year}'>;
const YEARS = [2026, 2027, 2028, 2029, 2030];
const STATUS: Record<string, { label: string; color: string }> = {
  entered: { label: 'saisie', color: '#8a3b00' },
  copil_validated: { label: 'validée par le COPIL', color: '#1c5fa8' },
  issued: { label: 'émise', color: '#1b5e20' },
};

/** « 10 », « 12,5 » (percent) → "0.1", "0.125" (the API's decimal rate); null if not a percentage below 100. */
export function percentToRate(input: string): string | null {
  const m = /^(\d{1,2})(?:[.,](\d{1,7}))?$/.exec(input.trim().replace(/\s*%$/, ''));
  if (!m) return null;
  const digits = `${m[1].padStart(2, '0')}${m[2] ?? ''}`.replace(/0+$/, '');
  return digits === '' ? '0' : `0.${digits}`;
}

function Figures({ r }: { r: Regularisation }) {
  const f = (label: string, value: string) => (
    <div>
      <Text size="sm" c="gray.8">{label}</Text>
      <Text fw={600}>{value}</Text>
    </div>
  );
  return (
    <Paper withBorder p="md">
      <Group justify="space-between" mb="sm">
        <Text fw={700}>{r.number}</Text>
        <Badge variant="outline" color={STATUS[r.status]?.color} tt="none">
          {STATUS[r.status]?.label ?? r.status}
        </Badge>
      </Group>
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        {f('Relevés mensuels émis', String(r.statementCount))}
        {f('Forfaits bruts de l’année', formatCents(r.forfaitGrossCents))}
        {f('dont soumis au taux de fuite', formatCents(r.grossSubjectToLeakageCents))}
        {f('dont hors taux (perte d’autonomie)', formatCents(r.grossExemptCents))}
        {f('Taux théorique', r.theoreticalRatePercent.replace('.', ','))}
        {f('Taux réel', r.realRatePercent.replace('.', ','))}
        {f('Valeur d’un forfait de 100 €', formatCents(r.valueOf100EurosCents))}
        {f('Dû', formatCents(r.dueCents))}
        {f('Perçu', formatCents(r.receivedCents))}
        {f('Régularisation', formatSignedCents(r.regularisationCents))}
      </SimpleGrid>
      <Text mt="sm" fw={600} c={r.regularisationCents < 0 ? 'red.9' : undefined}>
        {r.text}
      </Text>
      <Text size="sm" mt="xs" c="gray.8">
        Saisie le {formatDateTime(r.entered.at)}
        {r.copilDecision ? ` ; décision du COPIL ${r.copilDecision.decisionNumber} du ${formatDate(r.copilDecision.meetingDate)}` : ''}
        {r.issued ? ` ; émise le ${formatDateTime(r.issued.at)}` : ''}.
      </Text>
    </Paper>
  );
}

/** ipso: the leakage regularisation of one structure and year — enter, record the COPIL decision, issue, PDF (issue #6 §5). */
export function RegularisationPage() {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const structures = useStructures();
  const [structureId, setStructureId] = useState('');
  const [year, setYear] = useState(2026);
  const [mode, setMode] = useState<'realRate' | 'outsideAmount'>('realRate');
  const [value, setValue] = useState('');
  const [meeting, setMeeting] = useState({ meetingDate: '', decisionNumber: '' });
  const sid = structureId || structures.data?.find((s) => s.conventionEntryDate)?.id || '';
  const list = useQuery({
    queryKey: ['regularisations', sid],
    enabled: sid !== '',
    queryFn: async () => (await call(api.GET('/structures/{structureId}/regularisations', { params: { path: { structureId: sid } } }))) as Regularisation[],
  });
  const r = list.data?.find((x) => x.year === year) ?? null;
  const done = () => queryClient.invalidateQueries({ queryKey: ['regularisations', sid] });
  const enter = useMutation({
    mutationFn: async () => {
      if (mode === 'realRate') {
        const realRate = percentToRate(value);
        if (realRate === null) throw new ApiError(400, 'taux', 'Taux réel invalide : indiquez un pourcentage inférieur à 100, par exemple 10 ou 12,5.');
        return call(api.POST('/structures/{structureId}/regularisations', { params: { path: { structureId: sid } }, body: { year, realRate } }));
      }
      const outsideAmountCents = parseEurosToCents(value);
      if (outsideAmountCents === null) throw new ApiError(400, 'montant', 'Montant invalide : indiquez des euros avec au plus deux décimales, par exemple 10 000,00.');
      return call(api.POST('/structures/{structureId}/regularisations', { params: { path: { structureId: sid } }, body: { year, outsideAmountCents } }));
    },
    onSuccess: done,
  });
  const decide = useMutation({
    mutationFn: async () => call(api.POST('/structures/{structureId}/regularisations/{year}/copil-decision', { params: { path: { structureId: sid, year: String(year) } }, body: meeting })),
    onSuccess: done,
  });
  const issue = useMutation({
    mutationFn: async () => call(api.POST('/structures/{structureId}/regularisations/{year}/issue', { params: { path: { structureId: sid, year: String(year) } } })),
    onSuccess: done,
  });
  const error = (m: { error: unknown }) =>
    m.error ? (
      <Alert color="red" mt="sm" role="alert" title="Étape non enregistrée">
        {messageOf(m.error)}
      </Alert>
    ) : null;
  const name = structures.data?.find((s) => s.id === sid)?.name ?? 'la structure';
  return (
    <>
      <PageTitle>Régularisation du taux de fuite</PageTitle>
      <Text mb="md" maw={820}>
        Les forfaits de l’année N sont facturés au taux de fuite théorique ; en N+1, la CNAM communique le taux réel (ou le montant des actes réalisés hors
        structure). Saisissez-le, enregistrez la décision du COPIL annuel, puis émettez le relevé de régularisation.
      </Text>
      <QueryState isPending={structures.isPending} error={structures.error} retry={() => void structures.refetch()} what="des structures" />
      {structures.data && (
        <Stack gap="lg">
          <Group align="flex-end">
            <NativeSelect
              label="Structure"
              value={sid}
              onChange={(e) => setStructureId(e.currentTarget.value)}
              data={structures.data.map((s) => ({ value: s.id ?? '', label: s.name ?? '' }))}
              w={320}
            />
            <NativeSelect label="Année" value={String(year)} onChange={(e) => setYear(Number(e.currentTarget.value))} data={YEARS.map((y) => String(y))} w={120} />
          </Group>
          <QueryState isPending={sid !== '' && list.isPending} error={list.error} retry={() => void list.refetch()} what="des régularisations" />
          {list.data && !r && (
            <EmptyState title={`Aucune régularisation ${year} pour ${name}`}>
              Saisissez ci-dessous le taux réel {year} communiqué par la CNAM, ou le montant des actes réalisés hors structure : la régularisation est calculée sur
              les relevés mensuels émis de l’année.
            </EmptyState>
          )}
          {r && <Figures r={r} />}
          {list.data && (!r || r.status === 'entered') && (
            <Paper withBorder p="md" component="form" aria-labelledby="reg-enter" onSubmit={(e) => { e.preventDefault(); enter.mutate(); }}>
              <Title order={2} size="h3" id="reg-enter" mb="sm">
                {r ? 'Corriger la saisie' : 'Saisir le taux réel'}
              </Title>
              <Radio.Group label="Donnée communiquée par la CNAM" value={mode} onChange={(v) => setMode(v as typeof mode)} mb="sm">
                <Group mt={4}>
                  <Radio value="realRate" label="Taux de fuite réel (%)" />
                  <Radio value="outsideAmount" label="Montant des actes hors structure (€)" />
                </Group>
              </Radio.Group>
              <Group align="flex-end">
                <TextInput label={mode === 'realRate' ? 'Taux réel (%)' : 'Montant hors structure (€)'} required inputMode="decimal" value={value} onChange={(e) => setValue(e.currentTarget.value)} w={240} />
                <Button type="submit" loading={enter.isPending}>
                  Calculer et enregistrer
                </Button>
              </Group>
              <div aria-live="polite">{error(enter)}</div>
            </Paper>
          )}
          {r?.status === 'entered' && (
            <Paper withBorder p="md" component="form" aria-labelledby="reg-copil" onSubmit={(e) => { e.preventDefault(); decide.mutate(); }}>
              <Title order={2} size="h3" id="reg-copil" mb="sm">
                Décision du COPIL annuel
              </Title>
              <Text size="sm" mb="sm">Une fois la décision enregistrée, les montants sont figés.</Text>
              <Group align="flex-end">
                <TextInput label="Date de la réunion" type="date" required value={meeting.meetingDate} onChange={(e) => setMeeting({ ...meeting, meetingDate: e.currentTarget.value })} />
                <TextInput label="Numéro de décision" required value={meeting.decisionNumber} onChange={(e) => setMeeting({ ...meeting, decisionNumber: e.currentTarget.value })} />
                <Button type="submit" loading={decide.isPending}>
                  Enregistrer la décision
                </Button>
              </Group>
              <div aria-live="polite">{error(decide)}</div>
            </Paper>
          )}
          {r?.status === 'copil_validated' && (
            <Paper withBorder p="md">
              <Title order={2} size="h3" mb="sm">
                Émission
              </Title>
              <Text size="sm" mb="sm">Le relevé PDF est produit et archivé ; ensuite plus rien ne change.</Text>
              <Button loading={issue.isPending} onClick={() => issue.mutate()}>
                Émettre la régularisation
              </Button>
              <div aria-live="polite">{error(issue)}</div>
            </Paper>
          )}
          {r?.status === 'issued' && (
            <Group>
              <DownloadButton path={`/structures/${sid}/regularisations/${year}/statement.pdf`} label="Relevé de régularisation (PDF)" fallbackName={`${r.number}.pdf`} />
            </Group>
          )}
        </Stack>
      )}
    </>
  );
}
