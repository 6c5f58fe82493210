import { Alert, Button, Group, Loader, Text } from '@mantine/core';
import { messageOf } from '../api/problem';

/** Loading and error states of a query, in French, with a retry. */
export function QueryState({ isPending, error, retry, what }: { isPending: boolean; error: unknown; retry: () => void; what: string }) {
  if (isPending) {
    return (
      <Group gap="sm" role="status" aria-live="polite">
        <Loader size="sm" aria-hidden />
        <Text>Chargement {what}…</Text>
      </Group>
    );
  }
  if (error) {
    return (
      <Alert color="red" title={`Impossible de charger ${what}`} role="alert">
        <Text mb="sm">{messageOf(error)}</Text>
        <Button variant="outline" color="red" onClick={retry}>
          Réessayer
        </Button>
      </Alert>
    );
  }
  return null;
}
