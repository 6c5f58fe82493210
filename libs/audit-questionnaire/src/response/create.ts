import type { AuditResponse } from '../model';
import { refOf } from '../template/index-template';
import type { Questionnaire } from '../template/types';

export interface CreateResponseInput {
  id: string;
  structureId: string;
  /** The version the response is pinned to for its whole life (usually registry.latest(url)). */
  template: Questionnaire;
  now: Date;
}

export function createResponse({ id, structureId, template, now }: CreateResponseInput): AuditResponse {
  const at = now.toISOString();
  return {
    id,
    structureId,
    questionnaire: refOf(template),
    status: 'draft',
    answers: {},
    submissions: [],
    changeRequests: [],
    createdAt: at,
    updatedAt: at,
  };
}
