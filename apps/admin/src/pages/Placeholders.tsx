import { List, Text } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';

/** Pages of later issues: they say honestly what is not there yet and what to do meanwhile. */
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
