import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { EmptyState } from '../components/EmptyState';
import { PageTitle } from '../components/PageTitle';

export function ForbiddenPage({ reason }: { reason?: string }) {
  return (
    <>
      <PageTitle>Accès refusé</PageTitle>
      <EmptyState
        title="Cette page ne vous est pas accessible"
        action={
          <Anchor component={Link} to="/">
            Revenir à l’accueil
          </Anchor>
        }
      >
        <Text>{reason ?? 'Votre rôle ne donne pas accès à cette page. Si vous pensez que c’est une erreur, contactez l’équipe ipso.'}</Text>
      </EmptyState>
    </>
  );
}

export function NotFoundPage() {
  return (
    <>
      <PageTitle>Page introuvable</PageTitle>
      <EmptyState
        title="Cette adresse ne correspond à aucune page"
        action={
          <Anchor component={Link} to="/">
            Revenir à l’accueil
          </Anchor>
        }
      >
        <Text>Vérifiez l’adresse, ou utilisez le menu de navigation.</Text>
      </EmptyState>
    </>
  );
}
