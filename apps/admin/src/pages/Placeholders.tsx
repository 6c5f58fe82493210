import { Anchor, List, Text } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';

const API_DOCS = (
  <Anchor href="/api/docs" target="_blank" rel="noopener">
    documentation de l’API
  </Anchor>
);

/** Pages of later issues: they say honestly what is not there yet and what to do meanwhile. */
export function CandidaciesPage() {
  return (
    <>
      <PageTitle>Candidatures</PageTitle>
      <EmptyState title="Le suivi des candidatures arrive dans l’application">
        <Text mb="xs">Le tableau des candidatures (par état et par critère), la fiche de candidature, la revue d’audit et la simulation financière seront ici.</Text>
        <Text>En attendant, l’API les expose déjà : voir la section « Candidatures » de la {API_DOCS}.</Text>
      </EmptyState>
    </>
  );
}

export function PatientsPage() {
  return (
    <>
      <PageTitle>Patientèle</PageTitle>
      <EmptyState title="L’import de la patientèle n’est pas encore disponible">
        <Text mb="xs">Vous pourrez bientôt ici :</Text>
        <List mb="xs">
          <List.Item>importer la liste des patients (fichier CSV, correspondance des colonnes, rapport d’essai) ;</List.Item>
          <List.Item>rechercher un patient et lire l’explication de son forfait pour un mois.</List.Item>
        </List>
        <Text>Aucune donnée de patient n’est enregistrée pour le moment. Préparez l’export de votre logiciel métier.</Text>
      </EmptyState>
    </>
  );
}

export function StatementsPage() {
  return (
    <>
      <PageTitle>Relevés mensuels</PageTitle>
      <EmptyState title="Aucun relevé pour l’instant">
        <Text>
          Les relevés mensuels (calcul du mois, détail par médecin, fichier de facturation et PDF) seront produits ici une fois la patientèle importée. Aucun
          mois n’a encore été calculé.
        </Text>
      </EmptyState>
    </>
  );
}

export function IndicatorsPage() {
  return (
    <>
      <PageTitle>Indicateurs COPIL</PageTitle>
      <EmptyState title="Les indicateurs ne sont pas encore publiés">
        <Text>
          Le tableau de bord du programme (trajectoire, budget, jalons) et les indicateurs par structure, avec leurs tableaux de données et le secret
          statistique (« &lt; 11 »), arriveront avec les premiers relevés.
        </Text>
      </EmptyState>
    </>
  );
}
