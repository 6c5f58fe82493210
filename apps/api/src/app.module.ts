import { Module } from '@nestjs/common';
import { AuthModule } from './auth/auth.module';
import { DatabaseModule } from './database/database.module';
import { DocsModule } from './docs/docs.module';
import { HealthModule } from './health/health.module';
import { StructuresModule } from './structures/structures.module';
import { CandidaciesModule } from './candidacies/candidacies.module';
import { ReferenceDataModule } from './reference-data/reference-data.module';
import { AuditsModule } from './audits/audits.module';
import { ImportsModule } from './imports/imports.module';
import { IndicatorsModule } from './indicators/indicators.module';
import { StatementsModule } from './statements/statements.module';
import { SafeguardModule } from './safeguard/safeguard.module';
import { RegularisationsModule } from './regularisations/regularisations.module';
import { WorklistModule } from './worklist/worklist.module';
import { SimulationsModule } from './simulations/simulations.module';

@Module({
  imports: [DatabaseModule, AuthModule, HealthModule, StructuresModule, CandidaciesModule, ReferenceDataModule, AuditsModule, ImportsModule, IndicatorsModule, StatementsModule, SafeguardModule, RegularisationsModule, WorklistModule, SimulationsModule, DocsModule],
})
export class AppModule {}
