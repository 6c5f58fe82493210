import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PdfModule } from '../pdf/pdf.module';
import { AuditsModule } from '../audits/audits.module';
import { AuditsService } from '../audits/audits.service';
import { CandidaciesController } from './candidacies.controller';
import { CandidaciesService } from './candidacies.service';
import { DOSSIER_AUDIT_SOURCE, DossierService } from './dossier.service';
import { EligibilityService } from './eligibility.service';

@Module({
  imports: [AuditTrailModule, PdfModule, AuditsModule],
  controllers: [CandidaciesController],
  providers: [CandidaciesService, EligibilityService, DossierService, { provide: DOSSIER_AUDIT_SOURCE, useExisting: AuditsService }],
  exports: [CandidaciesService, EligibilityService],
})
export class CandidaciesModule {}
