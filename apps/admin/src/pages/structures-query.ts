import { useQuery } from '@tanstack/react-query';
import type { Structure } from '@mtr/api-contracts';
import { call } from '../api/client';
import { useAuth } from '../auth/AuthProvider';

/** Structures visible to the user (the COPIL gets identity fields only, hence Partial). */
export function useStructures() {
  const { api } = useAuth();
  return useQuery({
    queryKey: ['structures'],
    queryFn: async () => (await call(api.GET('/structures'))) as Partial<Structure>[],
  });
}
