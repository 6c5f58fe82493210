import { Global, Module } from '@nestjs/common';
import { AuditTrailModule } from '../audit-trail/audit-trail.module';
import { PATIENT_PROFILE_SOURCE } from '../candidacies/eligibility.service';
import { PatientCrypto } from './patient-crypto';
import { patientDataConfig } from './patient-data.config';
import { PatientsService } from './patients.service';

export const PATIENT_DATA_CONFIG = Symbol('PATIENT_DATA_CONFIG');

/**
 * Keys (validated at boot), the identifier cipher and the patients service; global so the
 * candidacy eligibility panel finds PATIENT_PROFILE_SOURCE without importing this module.
 */
@Global()
@Module({
  imports: [AuditTrailModule],
  providers: [
    { provide: PATIENT_DATA_CONFIG, useFactory: () => patientDataConfig() },
    { provide: PatientCrypto, useFactory: (cfg: ReturnType<typeof patientDataConfig>) => new PatientCrypto(cfg), inject: [PATIENT_DATA_CONFIG] },
    PatientsService,
    { provide: PATIENT_PROFILE_SOURCE, useExisting: PatientsService },
  ],
  exports: [PATIENT_DATA_CONFIG, PatientCrypto, PatientsService, PATIENT_PROFILE_SOURCE],
})
export class PatientDataModule {}
