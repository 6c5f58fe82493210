import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #5 §5 — exact lookup by last name + first name + birth date goes through the name blind
 * index (apps/api/src/patients/patients.service.ts `lookup`): without an index it read a whole
 * structure's list (0.56 s for a structure of 1 000 000 patients, measured).
 */
export class PatientLookup1764800000001 implements MigrationInterface {
  name = 'PatientLookup1764800000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX patients_name_bidx ON patients (tenant_id, name_bidx)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX patients_name_bidx`);
  }
}
