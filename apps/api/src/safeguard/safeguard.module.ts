import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PdfModule } from '../pdf/pdf.module';
import { SafeguardController } from './safeguard.controller';
import { SafeguardService } from './safeguard.service';
import { TariffsController } from './tariffs.controller';
import { TariffsService } from './tariffs.service';

/** Issue #6 §4 — safeguard clause (clause de sauvegarde) and its dated tariff table. */
@Module({
  imports: [AuditTrailModule, PdfModule],
  controllers: [SafeguardController, TariffsController],
  providers: [SafeguardService, TariffsService],
  exports: [SafeguardService],
})
export class SafeguardModule {}
