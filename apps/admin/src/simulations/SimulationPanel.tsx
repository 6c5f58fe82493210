import { Alert, Button, Group, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Practitioner } from '@mtr/api-contracts';
import { call } from '../api/client';
import { ApiError, messageOf } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';
import { QueryState } from '../components/QueryState';
import { formatDateTime, formatMonth } from '../format';
import { ACTOR_ROLE_LABELS } from '../candidacies/labels';
import { IncomeSources, SimulationTable, parseEuros, type Simulation } from './SimulationTable';

/** « Claire Martin (équipe ipso) »: the role label unless the display name already says it. */
function authorOf(sim: Simulation): string {
  const role = ACTOR_ROLE_LABELS[sim.createdBy.role] ?? sim.createdBy.role;
  return sim.createdBy.name.includes(`(${role})`) ? sim.createdBy.name : `${sim.createdBy.name} (${role})`;
}

/** Professions the API simulates as médecins traitants (apps/api/src/patients/patient-queries.ts ROLE_OF_PROFESSION). */
const DOCTOR_PROFESSIONS = ['medecin_generaliste', 'pediatre', 'gynecologue'];

/**
 * « Simulation financière » (RULES §6, issue #8 item 2): run the engine's simulation on the
 * structure's imported patient list, optionally with each doctor's declared monthly income, and
 * show the stored simulation (per doctor at 5 / 15 / 25 %, assumptions, date and author).
 * Used on the ipso candidacy page and on the coordinator's page.
 */
export function SimulationPanel({ structureId }: { structureId: string }) {
  const { api } = useAuth();
  const queryClient = useQueryClient();
  const params = { params: { path: { structureId } } };
  const latest = useQuery({
    queryKey: ['simulation', structureId],
    queryFn: async () => {
      try {
        return (await call(api.GET('/structures/{structureId}/simulation', params))) as Simulation;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const practitioners = useQuery({
    queryKey: ['practitioners', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}/practitioners', params))) as Practitioner[],
  });
  const doctors = (practitioners.data ?? []).filter((p) => DOCTOR_PROFESSIONS.includes(p.profession) && !p.leftOn);
  const [month, setMonth] = useState('');
  const [income, setIncome] = useState<Record<string, string>>({});
  const invalid = Object.entries(income).filter(([, v]) => v.trim() !== '' && parseEuros(v) === null).map(([id]) => id);
  const run = useMutation({
    mutationFn: async () => {
      const feeForService = Object.entries(income)
        .filter(([, v]) => v.trim() !== '')
        .map(([practitionerId, v]) => ({ practitionerId, monthlyCents: parseEuros(v) as number }));
      return (await call(
        api.POST('/structures/{structureId}/simulation', { ...params, body: { ...(month ? { referenceMonth: month } : {}), feeForService } as never }),
      )) as unknown as Simulation;
    },
    onSuccess: (sim) => queryClient.setQueryData(['simulation', structureId], sim),
  });
  const sim = latest.data;
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="simulation-financiere">
      <Title order={2} size="h3" id="simulation-financiere" mb="xs">
        Simulation financière
      </Title>
      <Text size="sm" mb="sm">
        Forfaits que toucheraient les médecins de la structure aux taux de fuite de 5, 15 et 25 %, calculés sur la patientèle importée
        comme si tous les patients étaient inclus, comparés à leur revenu actuel à l’acte. Laissez un revenu vide pour le calculer depuis
        l’activité importée des 12 derniers mois (actes de l’annexe 3 au tarif daté).
      </Text>
      <Stack
        component="form"
        gap="sm"
        aria-label="Lancer la simulation financière"
        onSubmit={(e) => {
          e.preventDefault();
          run.mutate();
        }}
      >
        <TextInput
          label="Mois de référence (AAAA-MM)"
          description="Vide : le dernier mois complet"
          placeholder="2026-11"
          value={month}
          onChange={(e) => setMonth(e.currentTarget.value.trim())}
          error={month && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month) ? 'mois au format AAAA-MM, par exemple 2026-11' : undefined}
          maw={260}
        />
        {practitioners.error && <Text size="sm">Les médecins n’ont pas pu être chargés : la simulation calculera leurs revenus depuis l’activité importée.</Text>}
        {doctors.length > 0 && (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
            {doctors.map((d) => (
              <TextInput
                key={d.id}
                label={`Revenu mensuel actuel à l’acte de Dr ${d.firstName} ${d.lastName} (€)`}
                description="Facultatif, par exemple tiré de l’extraction de l’annexe 6"
                inputMode="decimal"
                value={income[d.id] ?? ''}
                onChange={(e) => setIncome({ ...income, [d.id]: e.currentTarget.value })}
                error={invalid.includes(d.id) ? 'montant en euros, par exemple 4 500 ou 4 500,50' : undefined}
              />
            ))}
          </SimpleGrid>
        )}
        {run.error && (
          <Alert color="red" role="alert" title="La simulation n’a pas été lancée">
            {messageOf(run.error)}
          </Alert>
        )}
        <Group>
          <Button type="submit" loading={run.isPending} disabled={invalid.length > 0 || (month !== '' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))}>
            Lancer la simulation
          </Button>
        </Group>
      </Stack>
      <Stack gap="sm" mt="lg" aria-live="polite">
        <QueryState isPending={latest.isPending} error={latest.error} retry={() => void latest.refetch()} what="de la simulation" />
        {latest.data === null && (
          <Text role="status">Aucune simulation enregistrée pour cette structure : lancez-la ci-dessus une fois la patientèle importée.</Text>
        )}
        {sim && (
          <>
            <Text fw={600} role="status">
              Simulation de {formatMonth(sim.referenceMonth)}, lancée le {formatDateTime(sim.createdAt)} par {authorOf(sim)}.
            </Text>
            <SimulationTable sim={sim} />
            <Title order={3} size="h4">
              Provenance des revenus actuels
            </Title>
            <IncomeSources sim={sim} />
            <Title order={3} size="h4">
              Hypothèses
            </Title>
            <ul style={{ margin: 0, paddingLeft: 18 }}>
              {sim.assumptions.map((a) => (
                <li key={a}>
                  <Text size="sm">{a}</Text>
                </li>
              ))}
            </ul>
            <Text size="xs">Empreinte des données lues (SHA-256) : {sim.inputsFingerprint.slice(0, 16)}…</Text>
          </>
        )}
      </Stack>
    </Paper>
  );
}
