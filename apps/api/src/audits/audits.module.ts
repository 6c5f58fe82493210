import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { AuditsController } from './audits.controller';
import { AuditsService } from './audits.service';

@Module({ imports: [AuditTrailModule], controllers: [AuditsController], providers: [AuditsService], exports: [AuditsService] })
export class AuditsModule {}
