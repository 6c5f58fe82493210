/**
 * PSC's national professional id is `SubjectNameID`: the RPPS prefixed with 8
 * (ADELI-based ids start with 0 and are not accepted: MTR 2 participants have an RPPS).
 */
export function rppsFromSubjectNameId(subjectNameId: unknown): string | null {
  if (typeof subjectNameId !== 'string') return null;
  const m = /^8(\d{11})$/.exec(subjectNameId.trim());
  return m ? m[1] : null;
}
