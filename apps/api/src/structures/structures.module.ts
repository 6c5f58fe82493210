import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PractitionersService } from './practitioners.service';
import { StructuresController } from './structures.controller';
import { StructuresService } from './structures.service';

@Module({ imports: [AuditTrailModule], controllers: [StructuresController], providers: [StructuresService, PractitionersService] })
export class StructuresModule {}
