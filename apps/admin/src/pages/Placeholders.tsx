import { Text } from '@mantine/core';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';

/** Pages of later issues: they say honestly what is not there yet and what to do meanwhile. */
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
