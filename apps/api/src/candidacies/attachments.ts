import { createHash } from 'node:crypto';
import { Problem } from '../common/problem';
import { decodeBase64 } from '../reference-data/reference-data.service';

/**
 * Files attached to a candidacy or an audit item (issue #4 §1, §4): allowed types, a size limit,
 * the bytes checked against the declared type, and their SHA-256. [param] limits.
 */
export const ATTACHMENT_LIMITS = {
  /** The API body limit is 1 MiB of JSON, base64 adds a third: 700 KiB of file. */
  maxBytes: 700 * 1024,
  mediaTypes: {
    'application/pdf': 'PDF',
    'image/png': 'PNG',
    'image/jpeg': 'JPEG',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word (DOCX)',
    'application/vnd.oasis.opendocument.text': 'OpenDocument (ODT)',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel (XLSX)',
    'text/csv': 'CSV',
  } as Record<string, string>,
};

const startsWith = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);

/** The first bytes must match the declared type (a renamed executable is not a PDF). */
function contentMatches(mediaType: string, b: Buffer): boolean {
  switch (mediaType) {
    case 'application/pdf':
      return b.subarray(0, 5).toString('latin1') === '%PDF-';
    case 'image/png':
      return startsWith(b, [0x89, 0x50, 0x4e, 0x47]);
    case 'image/jpeg':
      return startsWith(b, [0xff, 0xd8, 0xff]);
    case 'text/csv':
      return !b.includes(0);
    default:
      return startsWith(b, [0x50, 0x4b, 0x03, 0x04]); // zip container (docx, odt, xlsx)
  }
}

export interface CheckedFile {
  bytes: Buffer;
  sha256: string;
  mediaType: string;
  filename: string;
}

export function checkAttachment(input: { filename: string; mediaType: string; contentBase64: string }): CheckedFile {
  const mediaType = input.mediaType.toLowerCase();
  if (!(mediaType in ATTACHMENT_LIMITS.mediaTypes)) {
    throw new Problem(415, 'type_de_fichier_refuse', `Type de fichier « ${input.mediaType} » refusé : formats acceptés ${Object.values(ATTACHMENT_LIMITS.mediaTypes).join(', ')}.`, {
      errors: [{ field: 'mediaType', code: 'type_refuse', detail: 'type de fichier non accepté' }],
    });
  }
  const bytes = decodeBase64(input.contentBase64);
  if (bytes.length === 0) throw new Problem(400, 'fichier_vide', 'Le fichier est vide.', { errors: [{ field: 'contentBase64', code: 'vide', detail: 'fichier vide' }] });
  if (bytes.length > ATTACHMENT_LIMITS.maxBytes) {
    throw new Problem(413, 'fichier_trop_volumineux', `Le fichier fait ${Math.ceil(bytes.length / 1024)} Kio : la limite est de ${ATTACHMENT_LIMITS.maxBytes / 1024} Kio.`, {
      errors: [{ field: 'contentBase64', code: 'trop_volumineux', detail: `au plus ${ATTACHMENT_LIMITS.maxBytes / 1024} Kio` }],
    });
  }
  if (!contentMatches(mediaType, bytes)) {
    throw new Problem(400, 'contenu_incoherent', `Le contenu du fichier ne correspond pas au type déclaré (${ATTACHMENT_LIMITS.mediaTypes[mediaType]}).`, {
      errors: [{ field: 'contentBase64', code: 'contenu_incoherent', detail: 'contenu différent du type déclaré' }],
    });
  }
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), mediaType, filename: input.filename };
}
