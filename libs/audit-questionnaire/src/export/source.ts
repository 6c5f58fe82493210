import type { AnswerMap, AuditResponse } from '../model';
import { lastSubmission } from '../response/lifecycle';

/**
 * Which answers an export shows: `current` (what is on screen, including unsubmitted edits) or
 * `last_submission` (the last snapshot handed in: what the COPIL and the CTIS should see).
 */
export type ExportSource = 'current' | 'last_submission';

export const answersFor = (response: AuditResponse, source: ExportSource): AnswerMap =>
  source === 'current' ? response.answers : (lastSubmission(response)?.answers ?? {});
