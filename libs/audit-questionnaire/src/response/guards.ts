import { fail, ok, problems, type Result } from '../errors';
import type { AnswerValue, AuditResponse } from '../model';
import { canonicalJson } from '../template/freeze';
import { refOf } from '../template/index-template';
import type { Questionnaire } from '../template/types';

/** A response is read and written only against the exact version it is pinned to. */
export function checkPinned(response: AuditResponse, template: Questionnaire): Result<true> {
  const { url, version } = response.questionnaire;
  return url === template.url && version === template.version
    ? ok(true)
    : fail(problems.templateMismatch(response.questionnaire, refOf(template)));
}

export const sameValue = (a: AnswerValue | null | undefined, b: AnswerValue | null | undefined): boolean =>
  canonicalJson(a ?? null) === canonicalJson(b ?? null);
