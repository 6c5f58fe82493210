import { Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { SimulationsController } from './simulations.controller';
import { SimulationsService } from './simulations.service';

/** Financial simulation of a candidate structure's doctors (RULES §6, issue #8 item 2, issue #4 §5). */
@Module({
  imports: [AuditTrailModule],
  controllers: [SimulationsController],
  providers: [SimulationsService],
  exports: [SimulationsService],
})
export class SimulationsModule {}
