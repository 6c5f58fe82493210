import { Alert, Button, Center, Container, Group, Loader, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation, useParams } from 'react-router';
import { messageOf } from './api/problem';
import { canOpenStructure, canReadCandidacies, canReadIndicators, isCopil, isPlatformStaff } from './auth/access';
import { useAuth, useMe } from './auth/AuthProvider';
import { AppLayout, useCurrentStructure } from './layout/AppLayout';
import { AuditPage } from './audit/AuditPage';
import { AuditReviewPage } from './audit/AuditReviewPage';
import { CandidacyPage } from './candidacies/CandidacyPage';
import { PipelinePage } from './candidacies/PipelinePage';
import { ReferenceDataPage } from './candidacies/ReferenceDataPage';
import { ProgrammePage } from './copil/ProgrammePage';
import { StructureIndicatorsPage } from './copil/StructureIndicatorsPage';
import { ImportWizardPage } from './imports/ImportWizardPage';
import { PatientsPage } from './imports/PatientsPage';
import { SignInPage } from './pages/SignInPage';
import { ForbiddenPage, NotFoundPage } from './pages/StatusPages';
import { StructurePage } from './pages/StructurePage';
import { StructuresPage } from './pages/StructuresPage';
import { RegularisationPage } from './ipso/RegularisationPage';
import { RunsPage } from './ipso/RunsPage';
import { TariffsPage } from './ipso/TariffsPage';
import { SafeguardPage } from './safeguard/SafeguardPage';
import { StatementPage } from './statements/StatementPage';
import { StatementsPage } from './statements/StatementsPage';
import { WorklistPage } from './worklist/WorklistPage';
import { ExitNoticePage } from './simulations/ExitNoticePage';
import { SimulationPage } from './simulations/SimulationPage';

/** Signed in and /auth/me loaded, or off to the sign-in page (coming back here afterwards). */
function RequireSession({ children }: { children: ReactNode }) {
  const { signedIn, me, meError, signOut } = useAuth();
  const location = useLocation();
  if (!signedIn) return <Navigate to="/connexion" replace state={{ from: location.pathname }} />;
  if (meError) {
    return (
      <Container size="sm" py="xl" component="main">
        <Alert color="red" title="Impossible de charger votre compte" role="alert">
          <Text mb="sm">{messageOf(meError)}</Text>
          <Group>
            <Button onClick={() => window.location.reload()}>Réessayer</Button>
            <Button variant="default" onClick={() => void signOut()}>
              Se déconnecter
            </Button>
          </Group>
        </Alert>
      </Container>
    );
  }
  if (!me) {
    return (
      <Center h="100vh" component="main" role="status">
        <Loader aria-hidden />
        <Text ml="sm">Chargement de votre compte…</Text>
      </Center>
    );
  }
  return children;
}

function Home() {
  const me = useMe();
  const [current] = useCurrentStructure(me);
  if (isPlatformStaff(me) || isCopil(me)) return <Navigate to="/structures" replace />;
  if (current) return <Navigate to={`/structures/${current}`} replace />;
  return <Navigate to="/structures" replace />;
}

const COPIL_REFUSED = 'Le COPIL consulte les indicateurs agrégés : les fiches des structures, leurs praticiens et leurs patients ne lui sont pas accessibles.';

/** Structure-level pages: members of the structure and the ipso team only (the API refuses others too). */
function StructureScope({ children }: { children: ReactNode }) {
  const me = useMe();
  const { structureId = '' } = useParams();
  if (!canOpenStructure(me, structureId)) return <ForbiddenPage reason={isCopil(me) ? COPIL_REFUSED : undefined} />;
  return children;
}

function Allowed({ when, children }: { when: (me: ReturnType<typeof useMe>) => boolean; children: ReactNode }) {
  const me = useMe();
  return when(me) ? children : <ForbiddenPage />;
}

export function App() {
  return (
    <Routes>
      <Route path="/connexion" element={<SignInPage />} />
      <Route
        element={
          <RequireSession>
            <AppLayout />
          </RequireSession>
        }
      >
        <Route index element={<Home />} />
        <Route path="structures" element={<StructuresPage />} />
        <Route path="structures/:structureId" element={<StructureScope><StructurePage /></StructureScope>} />
        <Route path="structures/:structureId/praticiens" element={<StructureScope><StructurePage /></StructureScope>} />
        <Route path="structures/:structureId/patientele" element={<StructureScope><PatientsPage /></StructureScope>} />
        <Route path="structures/:structureId/patientele/import" element={<StructureScope><ImportWizardPage /></StructureScope>} />
        <Route path="structures/:structureId/audit" element={<StructureScope><AuditPage /></StructureScope>} />
        <Route path="structures/:structureId/releves" element={<StructureScope><StatementsPage /></StructureScope>} />
        <Route path="structures/:structureId/releves/:statementId" element={<StructureScope><StatementPage /></StructureScope>} />
        <Route path="structures/:structureId/sauvegarde" element={<StructureScope><SafeguardPage /></StructureScope>} />
        <Route path="structures/:structureId/manque-a-gagner" element={<StructureScope><WorklistPage /></StructureScope>} />
        <Route path="calculs" element={<Allowed when={isPlatformStaff}><RunsPage /></Allowed>} />
        <Route path="tarifs" element={<Allowed when={isPlatformStaff}><TariffsPage /></Allowed>} />
        <Route path="regularisations" element={<Allowed when={isPlatformStaff}><RegularisationPage /></Allowed>} />
        <Route path="structures/:structureId/simulation" element={<StructureScope><SimulationPage /></StructureScope>} />
        <Route path="structures/:structureId/sortie" element={<StructureScope><ExitNoticePage /></StructureScope>} />
        <Route path="candidatures" element={<Allowed when={canReadCandidacies}><PipelinePage /></Allowed>} />
        <Route path="candidatures/:structureId" element={<Allowed when={canReadCandidacies}><CandidacyPage /></Allowed>} />
        <Route path="candidatures/:structureId/audit" element={<Allowed when={canReadCandidacies}><AuditReviewPage /></Allowed>} />
        <Route path="donnees-de-reference" element={<Allowed when={canReadCandidacies}><ReferenceDataPage /></Allowed>} />
        <Route path="indicateurs" element={<Allowed when={canReadIndicators}><ProgrammePage /></Allowed>} />
        <Route path="indicateurs/structures" element={<Allowed when={canReadIndicators}><StructureIndicatorsPage /></Allowed>} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}
