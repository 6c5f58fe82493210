import { useQuery } from '@tanstack/react-query';
import { call } from '../api/client';
import { ApiError } from '../api/problem';
import { useAuth } from '../auth/AuthProvider';
import type { AnswerMap, Questionnaire, StoredAnswer } from './questionnaire';

export interface SectionProgress {
  linkId: string;
  title: string;
  answered: number;
  total: number;
  percent: number;
  missingLinkIds: string[];
}
export interface Thread {
  id: string;
  linkId: string;
  visibility: 'internal' | 'shared';
  status: 'open' | 'resolved';
  messages: { id: string; author: { side: string; displayName?: string }; body: string; postedAt: string }[];
}
export interface AuditView {
  response: {
    id: string;
    status: 'draft' | 'submitted' | 'changes_requested' | 'resubmitted' | 'accepted';
    questionnaire: { url: string; version: string };
    answers: AnswerMap;
    submissions: { number: number; kind: string; submittedAt: string; diff: { linkId: string; change: 'added' | 'changed' | 'removed'; before?: unknown; after?: unknown; flagged: boolean }[] }[];
    changeRequests: { number: number; requestedAt: string; flaggedLinkIds: string[]; note?: string }[];
    updatedAt: string;
  };
  progress: { sections: SectionProgress[] } & Record<string, unknown>;
  threads: Thread[];
  rubric: { sections: { linkId: string; title: string; score: number | null; label: string | null }[]; scored: number; total: number; average: number | null } | null;
}
export interface SaveResult {
  answer: StoredAnswer;
  changed: boolean;
  progress: AuditView['progress'];
}

export const AUDIT_STATUS_LABELS: Record<string, string> = {
  draft: 'En cours de saisie',
  submitted: 'Remis, en revue par l’équipe ipso',
  changes_requested: 'Compléments demandés',
  resubmitted: 'Remis à nouveau, en revue',
  accepted: 'Accepté',
};
export const RUBRIC_SCALE = [
  { score: 0, label: 'Absent ou insuffisant' },
  { score: 1, label: 'Partiel' },
  { score: 2, label: 'Satisfaisant' },
  { score: 3, label: 'Exemplaire' },
];

/** The structure's audit (404 → null: not opened yet) and its pinned template version. */
export function useAudit(structureId: string) {
  const { api } = useAuth();
  const audit = useQuery({
    queryKey: ['audit', structureId],
    queryFn: async () => {
      try {
        return (await call(api.GET('/structures/{structureId}/audit', { params: { path: { structureId } } }))) as unknown as AuditView;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }
    },
  });
  const ref = audit.data?.response.questionnaire;
  const template = useQuery({
    queryKey: ['audit-template', ref?.url, ref?.version],
    enabled: !!ref,
    staleTime: Infinity, // published versions never change
    queryFn: async () => (await call(api.GET('/audit-templates/version', { params: { query: { url: ref?.url, version: ref?.version } as never } }))) as unknown as Questionnaire,
  });
  return { audit, template };
}
