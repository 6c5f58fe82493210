import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { createIndicatorsQueue } from '../indicators/indicators.queue';
import { PdfModule } from '../pdf/pdf.module';
import { StatementRunsController } from './statement-runs.controller';
import { StatementsController } from './statements.controller';
import { createStatementsQueue, INDICATORS_QUEUE_TOKEN, STATEMENTS_QUEUE_TOKEN } from './statements.queue';
import { StatementDocumentsService } from './statement-documents.service';
import { StatementsService } from './statements.service';

/** Issue #6 — monthly runs (queued), immutable statements, billing files and statement PDFs. */
@Module({
  imports: [AuditTrailModule, PdfModule],
  controllers: [StatementsController, StatementRunsController],
  providers: [
    StatementsService,
    StatementDocumentsService,
    { provide: STATEMENTS_QUEUE_TOKEN, useFactory: createStatementsQueue },
    { provide: INDICATORS_QUEUE_TOKEN, useFactory: createIndicatorsQueue },
  ],
  exports: [StatementsService],
})
export class StatementsModule {}
