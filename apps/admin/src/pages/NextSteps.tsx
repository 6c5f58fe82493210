import { Anchor, List, Paper, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { Link } from 'react-router';

/** What the structure's team does next, from its state (RULES.md §6–§7 workflow). */
export function nextStepsFor(state: string | undefined, structureId: string): ReactNode[] {
  const audit = (
    <Anchor component={Link} to={`/structures/${structureId}/audit`}>
      questionnaire d’audit
    </Anchor>
  );
  const patients = (
    <Anchor component={Link} to={`/structures/${structureId}/patientele/import`}>
      importez la patientèle
    </Anchor>
  );
  switch (state) {
    case 'identified':
    case 'pre_selected':
      return ['L’équipe projet ipso étudie votre candidature ; elle ouvrira le questionnaire d’audit après la présélection.', 'Vérifiez la liste de vos praticiens ci-dessous (RPPS, dates d’arrivée).'];
    case 'audit_in_progress':
      return [<>Remplissez le {audit} (chaque réponse est enregistrée automatiquement), puis remettez-le.</>, <>Pour appuyer les parts d’hommes et de 65 ans et plus, {patients}.</>];
    case 'changes_requested':
      return [<>L’équipe ipso demande des compléments : reprenez les questions signalées du {audit}, puis remettez-le.</>];
    case 'audit_submitted':
    case 'resubmitted':
    case 'gap_analysis':
    case 'copil_review':
      return ['Votre audit est en revue par l’équipe ipso : répondez aux échanges éventuels dans le questionnaire.'];
    case 'submitted_to_ctis':
      return ['Votre dossier est transmis au CTIS : la décision vous sera notifiée.'];
    case 'ctis_approved':
      return ['Le CTIS a approuvé la candidature : la convention avec la CNAM est en préparation.'];
    case 'convention_signed':
    case 'active':
      return [<>Tenez la patientèle à jour : {patients} chaque mois avant le calcul des relevés.</>];
    default:
      return [];
  }
}

export function NextSteps({ state, structureId }: { state: string | undefined; structureId: string }) {
  const steps = nextStepsFor(state, structureId);
  if (steps.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" mb="xl" component="section" aria-labelledby="prochaines-etapes">
      <Title order={2} size="h3" id="prochaines-etapes" mb="xs">
        Prochaines étapes
      </Title>
      <List spacing={4}>
        {steps.map((s, i) => (
          <List.Item key={i}>
            <Text component="span">{s}</Text>
          </List.Item>
        ))}
      </List>
    </Paper>
  );
}
