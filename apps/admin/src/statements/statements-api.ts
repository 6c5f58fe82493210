import { useQuery } from '@tanstack/react-query';
import type { Structure } from '@mtr/api-contracts';
import { call } from '../api/client';
import type { ApiData } from '../api/types';
import { useAuth } from '../auth/AuthProvider';

export type StatementSummary = ApiData<'/structures/{structureId}/statements'>[number];
export type StatementDetail = ApiData<'/structures/{structureId}/statements/{statementId}'>;
export type Run = ApiData<'/structures/{structureId}/statement-runs/{runId}'>;
export type PatientLine = ApiData<'/structures/{structureId}/statements/{statementId}/patients'>[number];

/** The structure (ipso or not, entry date E): several pages explain what does not apply from it. */
export function useStructure(structureId: string) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['structure', structureId],
    queryFn: async () => (await call(api.GET('/structures/{structureId}', { params: { path: { structureId } } }))) as Structure,
  });
}

/** One run, polled every second while it is queued or running. */
export function useRun(structureId: string, runId: string | null) {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['statement-run', structureId, runId],
    enabled: runId !== null,
    queryFn: async () => (await call(api.GET('/structures/{structureId}/statement-runs/{runId}', { params: { path: { structureId, runId: runId ?? '' } } }))) as Run,
    refetchInterval: (q) => (q.state.data && (q.state.data.status === 'done' || q.state.data.status === 'failed') ? false : 1000),
  });
}
