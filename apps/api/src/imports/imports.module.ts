import { Module, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PatientDataModule } from '../patients/patient-data.module';
import { PatientsController } from '../patients/patients.controller';
import { ExportsController } from '../exports/exports.controller';
import { ExportsService } from '../exports/exports.service';
import { ImportsController } from './imports.controller';
import { createImportQueue, IMPORT_QUEUE_TOKEN } from './imports.queue';
import { ImportsService } from './imports.service';

/** Upload content types, passed through as a stream (no buffering, no global body limit). */
export const UPLOAD_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/octet-stream'];

/** Issue #5 — patient data over HTTP: imports (queued), patient list and profile, exports. */
@Module({
  imports: [AuditTrailModule, PatientDataModule],
  controllers: [ImportsController, PatientsController, ExportsController],
  providers: [ImportsService, ExportsService, { provide: IMPORT_QUEUE_TOKEN, useFactory: createImportQueue }],
})
export class ImportsModule implements OnModuleInit {
  constructor(private readonly http: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.http.httpAdapter?.getInstance?.() as
      | { hasContentTypeParser(t: string): boolean; addContentTypeParser(t: string[], fn: (req: unknown, payload: unknown, done: (e: Error | null, body?: unknown) => void) => void): void }
      | undefined;
    if (!fastify?.addContentTypeParser) return;
    const missing = UPLOAD_TYPES.filter((t) => !fastify.hasContentTypeParser(t));
    // The size is enforced by the import route itself (Content-Length first, then while streaming).
    if (missing.length) fastify.addContentTypeParser(missing, (_req, payload, done) => done(null, payload));
  }
}
