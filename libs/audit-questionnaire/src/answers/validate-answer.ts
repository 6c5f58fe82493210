import { fail, ok, problems, type Result } from '../errors';
import type { AnswerValue, AttachmentAnswer } from '../model';
import { attachmentConstraints, maxLengthOf, numericConstraints } from '../template/extensions';
import type { AnswerableItemType, QuestionnaireItem } from '../template/types';
import { AttachmentAnswerSchema } from './schema';

/** What the French error says a value should be, per item type. */
const EXPECTED: Record<AnswerableItemType, string> = {
  text: 'un texte',
  string: 'un texte court',
  boolean: 'oui ou non (booléen)',
  integer: 'un nombre entier',
  decimal: 'un nombre',
  choice: "le code d'une des options proposées",
  attachment: 'une pièce jointe (nom de fichier, type MIME, taille, empreinte SHA-256)',
};

/** `text/csv; charset=utf-8` is a text/csv: parameters do not change the kind of file. */
const baseMime = (mime: string) => mime.split(';')[0].trim().toLowerCase();

/**
 * Checks one raw value against its item and normalises it (trimmed text, lower-case hash).
 * Returns null for "no answer" (null, or text that is only whitespace) so autosave can clear.
 */
export function validateAnswerValue(
  item: QuestionnaireItem & { type: AnswerableItemType },
  raw: unknown,
): Result<AnswerValue | null> {
  if (raw === null || raw === undefined) return ok(null);
  const wrongType = () =>
    fail<AnswerValue | null>(problems.wrongAnswerType(item.linkId, EXPECTED[item.type]));

  switch (item.type) {
    case 'text':
    case 'string': {
      if (typeof raw !== 'string') return wrongType();
      const text = raw.trim();
      if (!text) return ok(null);
      const maxLength = maxLengthOf(item);
      if (text.length > maxLength) return fail(problems.answerTooLong(item.linkId, maxLength));
      return ok(text);
    }
    case 'boolean':
      return typeof raw === 'boolean' ? ok(raw) : wrongType();
    case 'integer':
    case 'decimal': {
      if (typeof raw !== 'number' || !Number.isFinite(raw)) return wrongType();
      if (item.type === 'integer' && !Number.isSafeInteger(raw)) return wrongType();
      const { min, max } = numericConstraints(item);
      if ((min !== undefined && raw < min) || (max !== undefined && raw > max)) {
        return fail(problems.outOfRange(item.linkId, min, max));
      }
      return ok(raw);
    }
    case 'choice': {
      // Accept a bare code or a Coding-like { code } from FHIR-minded clients.
      const code =
        typeof raw === 'string'
          ? raw
          : typeof raw === 'object' && typeof (raw as { code?: unknown }).code === 'string'
            ? (raw as { code: string }).code
            : undefined;
      if (code === undefined) return wrongType();
      const allowed = (item.answerOption ?? []).map((o) => o.valueCoding.code);
      return allowed.includes(code) ? ok(code) : fail(problems.invalidChoice(item.linkId, code, allowed));
    }
    case 'attachment':
      return validateAttachment(item, raw);
  }
}

function validateAttachment(item: QuestionnaireItem, raw: unknown): Result<AnswerValue | null> {
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return fail(problems.wrongAnswerType(item.linkId, EXPECTED.attachment));
  }
  const parsed = AttachmentAnswerSchema.safeParse(raw);
  if (!parsed.success) return fail(problems.invalidAttachment(item.linkId));
  const { mimeTypes, maxSize } = attachmentConstraints(item);
  const mimeType = baseMime(parsed.data.mimeType);
  if (!mimeTypes.map(baseMime).includes(mimeType)) {
    return fail(problems.attachmentTypeNotAllowed(item.linkId, mimeType, mimeTypes));
  }
  if (parsed.data.size > maxSize) {
    return fail(problems.attachmentTooLarge(item.linkId, parsed.data.filename, parsed.data.size, maxSize));
  }
  const value: AttachmentAnswer = { ...parsed.data, mimeType, sha256: parsed.data.sha256.toLowerCase() };
  return ok(value);
}

export const isAttachmentValue = (v: AnswerValue | null | undefined): v is AttachmentAnswer =>
  typeof v === 'object' && v !== null;
