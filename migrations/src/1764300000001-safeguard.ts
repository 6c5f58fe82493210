import type { MigrationInterface, QueryRunner } from 'typeorm';
import { tenantTableSql } from '@mtr/tenancy';
import { APP_ROLE } from './roles';

/**
 * Issue #6 §4 — safeguard clause (clause de sauvegarde, RULES §5).
 *
 * - `ref_tariffs`: global dated tariff table (no tenant: the NGAP/CCAM tariffs are national).
 *   Rows are never deleted and never changed, except closing an open-ended period (valid_to from
 *   NULL to a date) when a later tariff of the same code is added. Overlapping periods of one code
 *   are refused by a trigger that serialises inserts per code (advisory lock), ERRCODE 23P01.
 * - `structures.safeguard_method`: the convention's perimeter (engine `SafeguardMethodSchema`).
 * - `safeguard_statements`: issued (final) safeguard statements per doctor, immutable once issued;
 *   the only change, issued → cancelled, is refused to the app role.
 *
 * Seeded tariffs: only values with a source we can name; each row says where it comes from.
 * Codes of Annex 3 without a seeded tariff are added by ipso through POST /reference-data/tariffs
 * (docs/safeguard.md lists them); the computation names the missing tariff instead of guessing.
 */
const CONVENTION_2024 =
  'Convention médicale 2024-2029 signée le 4 juin 2024 (arrêté d’approbation du 20 juin 2024, JO du 21 juin 2024) : consultation de référence G/VG des médecins généralistes à 30 € au 22 décembre 2024 (ameli.fr, « La valorisation de l’activité clinique du médecin généraliste », 28 novembre 2024)';
const NGAP_IN_FORCE =
  'NGAP (majoration), valeur en vigueur depuis la convention 2024 d’après la grille publique d’une MSP (VG + MD = 40 €, MEG + 5 €, NGAP art. 14.7) ; non vérifiée sur le texte NGAP publié, date d’effet d’origine inconnue : période ouverte au 1er mai 2026 (lancement MTR 2), à confirmer par ipso';
const ENGINE_VALUE =
  'Valeur reprise des spécifications du moteur (libs/forfait-engine/src/safeguard.spec.ts), non vérifiée contre la NGAP/CCAM publiée : à confirmer par ipso';

export const SEEDED_TARIFFS: { code: string; label: string; amountCents: number; validFrom: string; source: string }[] = [
  { code: 'G', label: 'Consultation généraliste', amountCents: 3000, validFrom: '2024-12-22', source: CONVENTION_2024 },
  { code: 'GS', label: 'Consultation spécialiste médecine générale', amountCents: 3000, validFrom: '2024-12-22', source: CONVENTION_2024 },
  { code: 'VG', label: 'Visite médecin généraliste', amountCents: 3000, validFrom: '2024-12-22', source: CONVENTION_2024 },
  { code: 'VGS', label: 'Visite spécialiste médecine générale', amountCents: 3000, validFrom: '2024-12-22', source: CONVENTION_2024 },
  {
    code: 'TCG',
    label: 'Téléconsultation généraliste',
    amountCents: 3000,
    validFrom: '2024-12-22',
    source: `${CONVENTION_2024} ; téléconsultation valorisée comme la consultation de référence`,
  },
  { code: 'MD', label: 'Majoration de déplacement (visite à domicile)', amountCents: 1000, validFrom: '2026-05-01', source: NGAP_IN_FORCE },
  {
    code: 'MEG',
    label: 'Majoration enfant du médecin généraliste (moins de 6 ans, NGAP art. 14.7)',
    amountCents: 500,
    validFrom: '2026-05-01',
    source: NGAP_IN_FORCE,
  },
  { code: 'DEQP003', label: 'ATM — ECG au cabinet (CCAM)', amountCents: 1426, validFrom: '2026-05-01', source: ENGINE_VALUE },
  { code: 'SF', label: 'Lettre clé sage-femme (valeur du coefficient 1)', amountCents: 280, validFrom: '2026-05-01', source: ENGINE_VALUE },
  { code: 'C', label: 'Consultation (sage-femme)', amountCents: 2500, validFrom: '2026-05-01', source: ENGINE_VALUE },
];

export class Safeguard1764300000001 implements MigrationInterface {
  name = 'Safeguard1764300000001';

  async up(q: QueryRunner): Promise<void> {
    const sqls = [
      `CREATE TABLE ref_tariffs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL CHECK (code ~ '^[A-Z0-9]{1,10}$'),
        label text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
        amount_cents integer NOT NULL CHECK (amount_cents >= 0),
        valid_from date NOT NULL,
        valid_to date,
        source text NOT NULL CHECK (length(source) BETWEEN 3 AND 1000),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK (valid_to IS NULL OR valid_to >= valid_from)
      )`,
      `CREATE INDEX ref_tariffs_code ON ref_tariffs (code, valid_from)`,
      `CREATE OR REPLACE FUNCTION mtr_tariff_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           RAISE EXCEPTION 'ref_tariffs rows cannot be deleted' USING ERRCODE = 'insufficient_privilege';
         END IF;
         IF TG_OP = 'UPDATE' THEN
           -- only closing an open period, nothing else
           IF OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
              OR (to_jsonb(NEW) - 'valid_to') <> (to_jsonb(OLD) - 'valid_to') THEN
             RAISE EXCEPTION 'tariff % can only have its open period closed', OLD.id USING ERRCODE = 'insufficient_privilege';
           END IF;
         END IF;
         PERFORM pg_advisory_xact_lock(hashtext('ref_tariffs'), hashtext(NEW.code));
         IF EXISTS (SELECT 1 FROM ref_tariffs t WHERE t.code = NEW.code AND t.id <> NEW.id
                     AND daterange(t.valid_from, t.valid_to, '[]') && daterange(NEW.valid_from, NEW.valid_to, '[]')) THEN
           RAISE EXCEPTION 'tariff of % overlaps another period of the same code', NEW.code USING ERRCODE = 'exclusion_violation';
         END IF;
         RETURN NEW;
       END $$`,
      `CREATE TRIGGER ref_tariffs_guard BEFORE INSERT OR UPDATE OR DELETE ON ref_tariffs
         FOR EACH ROW EXECUTE FUNCTION mtr_tariff_guard()`,
      `GRANT SELECT, INSERT ON ref_tariffs TO ${APP_ROLE}`,
      `GRANT UPDATE (valid_to) ON ref_tariffs TO ${APP_ROLE}`,

      `ALTER TABLE structures ADD COLUMN safeguard_method text NOT NULL DEFAULT 'actsByDoctor'
         CHECK (safeguard_method IN ('actsByDoctor', 'actsOnDoctorMtPatients'))`,

      `CREATE TABLE safeguard_statements (
        tenant_id uuid NOT NULL REFERENCES structures(id),
        id uuid NOT NULL,
        number text NOT NULL,
        practitioner_id uuid NOT NULL,
        doctor_rpps char(11) NOT NULL,
        window_start char(7) NOT NULL CHECK (window_start ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        window_end char(7) NOT NULL CHECK (window_end ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        method text NOT NULL CHECK (method IN ('actsByDoctor', 'actsOnDoctorMtPatients')),
        params_version text NOT NULL,
        -- sha-256 of the tariff rows used (id, code, amount, period), and the rows themselves
        tariff_version char(64) NOT NULL CHECK (tariff_version ~ '^[0-9a-f]{64}$'),
        tariffs jsonb NOT NULL,
        source_statements jsonb NOT NULL,
        forfait_income_cents bigint NOT NULL,
        fee_for_service_cents bigint NOT NULL,
        difference_cents bigint NOT NULL,
        compensation_cents bigint NOT NULL CHECK (compensation_cents >= 0),
        months jsonb NOT NULL,
        ignored_acts jsonb NOT NULL,
        status text NOT NULL DEFAULT 'issued' CHECK (status IN ('issued', 'cancelled')),
        issued_at timestamptz NOT NULL DEFAULT now(),
        issued_by uuid,
        document_id uuid NOT NULL,
        PRIMARY KEY (tenant_id, id),
        UNIQUE (tenant_id, number),
        FOREIGN KEY (tenant_id, practitioner_id) REFERENCES practitioners (tenant_id, id),
        FOREIGN KEY (tenant_id, document_id) REFERENCES generated_documents (tenant_id, id)
      )`,
      // One final statement per doctor (their window happens once).
      `CREATE UNIQUE INDEX safeguard_statements_one_issued ON safeguard_statements (tenant_id, practitioner_id) WHERE status = 'issued'`,
      `CREATE INDEX safeguard_statements_window_end ON safeguard_statements (tenant_id, window_end)`,
      ...tenantTableSql('safeguard_statements', { platformRead: true }),
      `CREATE OR REPLACE FUNCTION mtr_safeguard_statement_guard() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'UPDATE' AND OLD.status = 'issued' AND NEW.status = 'cancelled'
            AND current_user <> '${APP_ROLE}'
            AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status') THEN
           RETURN NEW;
         END IF;
         RAISE EXCEPTION 'safeguard statement % is % and cannot be changed', OLD.id, OLD.status USING ERRCODE = 'insufficient_privilege';
       END $$`,
      `CREATE TRIGGER safeguard_statements_immutable BEFORE UPDATE OR DELETE ON safeguard_statements
         FOR EACH ROW EXECUTE FUNCTION mtr_safeguard_statement_guard()`,
      `GRANT SELECT, INSERT ON safeguard_statements TO ${APP_ROLE}`,
    ];
    for (const s of sqls) await q.query(s);
    for (const t of SEEDED_TARIFFS) {
      await q.query(
        `INSERT INTO ref_tariffs (code, label, amount_cents, valid_from, source) VALUES ($1, $2, $3, $4, $5)`,
        [t.code, t.label, t.amountCents, t.validFrom, t.source],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE IF EXISTS safeguard_statements, ref_tariffs CASCADE');
    await q.query('ALTER TABLE structures DROP COLUMN IF EXISTS safeguard_method');
    await q.query('DROP FUNCTION IF EXISTS mtr_safeguard_statement_guard(), mtr_tariff_guard()');
  }
}
