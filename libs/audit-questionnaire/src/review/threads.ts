import { fail, ok, problems, type Result } from '../errors';
import type { Actor, AuditResponse } from '../model';
import { indexTemplate } from '../template/index-template';
import type { Questionnaire } from '../template/types';
import { checkPinned } from '../response/guards';

/**
 * Fils de discussion des relecteurs, one per item, stored apart from the answers so a comment
 * never alters what the structure handed in. `internal` threads are ipso's working notes and
 * must never reach a structure user; `shared` threads are the conversation with the structure.
 */
export type ThreadVisibility = 'internal' | 'shared';
export type ThreadStatus = 'open' | 'resolved';

export const MESSAGE_MAX_LENGTH = 5_000;

export interface ThreadMessage {
  id: string;
  author: Actor;
  body: string;
  postedAt: string;
}

export interface ReviewThread {
  id: string;
  responseId: string;
  linkId: string;
  visibility: ThreadVisibility;
  status: ThreadStatus;
  messages: readonly ThreadMessage[];
  createdAt: string;
  createdBy: Actor;
  resolvedAt?: string;
  resolvedBy?: Actor;
}

export const canSeeThread = (thread: ReviewThread, viewer: Actor): boolean =>
  viewer.side === 'ipso' || thread.visibility === 'shared';

/** What a viewer may read: everything for ipso, shared threads only for a structure user. */
export const visibleThreads = (threads: readonly ReviewThread[], viewer: Actor): ReviewThread[] =>
  threads.filter((t) => canSeeThread(t, viewer));

const cleanBody = (body: string): Result<string> => {
  const text = body.trim();
  return text && text.length <= MESSAGE_MAX_LENGTH
    ? ok(text)
    : fail(problems.invalidMessage(MESSAGE_MAX_LENGTH));
};

export interface OpenThreadInput {
  /** Ids come from the caller: the library stays deterministic. */
  threadId: string;
  messageId: string;
  linkId: string;
  visibility: ThreadVisibility;
  body: string;
}

/** Any item may carry a thread, rubriques included (a remark on a whole section). */
export function openThread(
  response: AuditResponse,
  template: Questionnaire,
  input: OpenThreadInput,
  actor: Actor,
  now: Date,
): Result<ReviewThread> {
  const pinned = checkPinned(response, template);
  if (!pinned.ok) return pinned;
  if (!indexTemplate(template).byLinkId.has(input.linkId)) {
    return fail(problems.unknownLinkId(input.linkId, template.version));
  }
  if (input.visibility === 'internal' && actor.side !== 'ipso') {
    return fail(problems.forbiddenActor("Seule l'équipe projet ipso peut ouvrir un fil interne."));
  }
  const body = cleanBody(input.body);
  if (!body.ok) return body;
  const at = now.toISOString();
  return ok({
    id: input.threadId,
    responseId: response.id,
    linkId: input.linkId,
    visibility: input.visibility,
    status: 'open',
    messages: [{ id: input.messageId, author: actor, body: body.value, postedAt: at }],
    createdAt: at,
    createdBy: actor,
  });
}

export function replyToThread(
  thread: ReviewThread,
  input: { messageId: string; body: string },
  actor: Actor,
  now: Date,
): Result<ReviewThread> {
  // 404, not 403: a structure user must not learn that an internal thread exists.
  if (!canSeeThread(thread, actor)) return fail(problems.threadNotFound());
  if (thread.status === 'resolved') return fail(problems.threadResolved());
  const body = cleanBody(input.body);
  if (!body.ok) return body;
  const message: ThreadMessage = {
    id: input.messageId,
    author: actor,
    body: body.value,
    postedAt: now.toISOString(),
  };
  return ok({ ...thread, messages: [...thread.messages, message] });
}

/** Only the reviewers close a point: the structure answers, ipso judges it settled. */
export function resolveThread(thread: ReviewThread, actor: Actor, now: Date): Result<ReviewThread> {
  if (!canSeeThread(thread, actor)) return fail(problems.threadNotFound());
  if (actor.side !== 'ipso')
    return fail(problems.forbiddenActor("Seule l'équipe projet ipso peut clore un fil."));
  if (thread.status === 'resolved') return ok(thread);
  return ok({ ...thread, status: 'resolved', resolvedAt: now.toISOString(), resolvedBy: actor });
}

export function reopenThread(thread: ReviewThread, actor: Actor): Result<ReviewThread> {
  if (!canSeeThread(thread, actor)) return fail(problems.threadNotFound());
  if (actor.side !== 'ipso')
    return fail(problems.forbiddenActor("Seule l'équipe projet ipso peut rouvrir un fil."));
  if (thread.status === 'open') return ok(thread);
  const { resolvedAt: _at, resolvedBy: _by, ...rest } = thread;
  return ok({ ...rest, status: 'open' });
}
