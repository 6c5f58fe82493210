import { Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';

/** An empty or not-yet-available state that says what it is and what to do. */
export function EmptyState({ title, children, action }: { title: string; children: ReactNode; action?: ReactNode }) {
  return (
    <Paper withBorder p="xl" radius="md" role="status">
      <Stack gap="sm" maw={640}>
        <Title order={2} size="h3">
          {title}
        </Title>
        <Text component="div">{children}</Text>
        {action}
      </Stack>
    </Paper>
  );
}
