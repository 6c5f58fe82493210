import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PdfModule } from '../pdf/pdf.module';
import { RegularisationsController } from './regularisations.controller';
import { RegularisationsService } from './regularisations.service';

/** Issue #6 §5 — leakage regularisation (RULES §4). */
@Module({
  imports: [AuditTrailModule, PdfModule],
  controllers: [RegularisationsController],
  providers: [RegularisationsService],
})
export class RegularisationsModule {}
