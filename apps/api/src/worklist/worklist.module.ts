import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { WorklistController } from './worklist.controller';
import { WorklistService } from './worklist.service';

/** Issue #6 §6 — revenue-at-risk worklist (manque à gagner). */
@Module({ imports: [AuditTrailModule], controllers: [WorklistController], providers: [WorklistService] })
export class WorklistModule {}
