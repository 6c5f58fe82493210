import { createHash } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { TenantId } from '@mtr/tenancy';
import { Problem } from '../common/problem';

export interface ArchivedDocument {
  id: string;
  kind: string;
  sha256: string;
  byteSize: number;
  generatedAt: string;
  generatedBy: string | null;
}

/**
 * Generated PDFs, stored once with their SHA-256 (table generated_documents: INSERT/SELECT only,
 * a trigger refuses UPDATE and DELETE). Called inside the caller's tenant transaction.
 */
@Injectable()
export class PdfArchive {
  private readonly log = new Logger('PdfArchive');

  /**
   * Storage full or refused: a clear 503 instead of a bare 500. The caller's transaction then
   * rolls back, so whatever was being issued with the document is not; `notIssued` says what (in
   * French, e.g. « la régularisation 2027 n’est pas émise »).
   */
  async store(
    em: EntityManager,
    tenantId: TenantId,
    doc: { kind: string; templateName: string; subjectType: string; subjectId: string; pdf: Buffer; userId: string | null },
    notIssued?: string,
  ): Promise<ArchivedDocument> {
    const sha256 = createHash('sha256').update(doc.pdf).digest('hex');
    const [row] = await em
      .query(
        `INSERT INTO generated_documents (tenant_id, kind, template_name, subject_type, subject_id, byte_size, sha256, content, generated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, generated_at`,
        [tenantId, doc.kind, doc.templateName, doc.subjectType, doc.subjectId, doc.pdf.length, sha256, doc.pdf, doc.userId],
      )
      .catch((e: unknown) => {
        this.log.error({ msg: 'PDF not archived', kind: doc.kind, subjectId: doc.subjectId, err: e instanceof Error ? e.message : String(e) });
        throw new Problem(
          503,
          'archivage_pdf_impossible',
          `Le document PDF n’a pas pu être archivé (stockage plein ou refusé)${notIssued ? ` : ${notIssued}` : ''}. Réessayez plus tard ; si le problème persiste, contactez l’équipe ipso.`,
        );
      });
    return { id: row.id, kind: doc.kind, sha256, byteSize: doc.pdf.length, generatedAt: new Date(row.generated_at).toISOString(), generatedBy: doc.userId };
  }

  async latest(em: EntityManager, tenantId: TenantId, kind: string, subjectId: string): Promise<(ArchivedDocument & { content: Buffer }) | null> {
    const [row] = await em.query(
      `SELECT id, kind, sha256, byte_size, generated_at, generated_by, content FROM generated_documents
        WHERE tenant_id = $1 AND kind = $2 AND subject_id = $3 ORDER BY generated_at DESC, id DESC LIMIT 1`,
      [tenantId, kind, subjectId],
    );
    if (!row) return null;
    return {
      id: row.id, kind: row.kind, sha256: row.sha256, byteSize: row.byte_size,
      generatedAt: new Date(row.generated_at).toISOString(), generatedBy: row.generated_by, content: row.content,
    };
  }
}
