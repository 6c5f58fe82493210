import { useParams } from 'react-router';
import { PageTitle } from '../components/PageTitle';
import { SimulationPanel } from './SimulationPanel';

/** The coordinator's « Simulation financière » page (the ipso team has the same panel on the candidacy page). */
export function SimulationPage() {
  const { structureId = '' } = useParams();
  return (
    <>
      <PageTitle>Simulation financière</PageTitle>
      <SimulationPanel structureId={structureId} />
    </>
  );
}
