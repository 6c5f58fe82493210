import { Button, Stack, Text } from '@mantine/core';
import { useState } from 'react';
import { downloadFile } from '../api/download';
import { messageOf } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';

/** A download of an authenticated file (CSV, PDF) with its progress and a French error that says what to do. */
export function DownloadButton({ path, query, label, fallbackName, variant = 'outline' }: { path: string; query?: Record<string, string | number>; label: string; fallbackName: string; variant?: string }) {
  const { api } = useAuth();
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: string | null }>({ busy: false, error: null, done: null });
  return (
    <Stack gap={4}>
      <Button
        variant={variant}
        loading={state.busy}
        onClick={() => {
          setState({ busy: true, error: null, done: null });
          downloadFile(api, path, query, fallbackName).then(
            (name) => setState({ busy: false, error: null, done: `« ${name} » téléchargé.` }),
            (e: unknown) => setState({ busy: false, error: `Téléchargement impossible : ${messageOf(e)}`, done: null }),
          );
        }}
      >
        {label}
      </Button>
      <div aria-live="polite">
        {state.error && (
          <Text size="sm" c="red.9" role="alert">
            {state.error}
          </Text>
        )}
        {state.done && (
          <Text size="sm" c="#1b5e20">
            {state.done}
          </Text>
        )}
      </div>
    </Stack>
  );
}
