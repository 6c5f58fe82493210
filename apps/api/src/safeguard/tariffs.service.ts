import { Injectable } from '@nestjs/common';
import type { AppAbility } from '../auth/abilities';
import type { AuthenticatedUser } from '../auth/roles';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { Problem, forbidden } from '../common/problem';
import { TenantDb } from '../database/tenant-db';
import type { TariffCreate } from './safeguard.schemas';

const COLUMNS = `id, code, label, amount_cents AS "amountCents", to_char(valid_from, 'YYYY-MM-DD') AS "validFrom",
  to_char(valid_to, 'YYYY-MM-DD') AS "validTo", source, created_by AS "createdBy", created_at AS "createdAt"`;

interface TariffRow {
  id: string;
  code: string;
  label: string;
  amountCents: number;
  validFrom: string;
  validTo: string | null;
  source: string;
  createdBy: string | null;
  createdAt: Date | string;
}
const out = (r: TariffRow) => ({ ...r, createdAt: new Date(r.createdAt).toISOString() });

const dayBefore = (d: string): string => {
  const t = new Date(`${d}T00:00:00Z`);
  t.setUTCDate(t.getUTCDate() - 1);
  return t.toISOString().slice(0, 10);
};

/**
 * Issue #6 §4 — the dated tariff table (RULES §5 [param]): global reference data, read by
 * platform roles and coordinators, extended by ipso_team / platform_admin without a deploy.
 * A new tariff never overlaps another period of its code (database trigger, 409 here); when the
 * code's current period is open-ended and starts before the new one, it is closed the day before
 * (the usual case of a revaluation: "G à 30 € jusqu'au…, puis …").
 */
@Injectable()
export class TariffsService {
  constructor(
    private readonly db: TenantDb,
    private readonly audit: AuditTrail,
  ) {}

  async list(user: AuthenticatedUser, ability: AppAbility, q: { code?: string; on?: string }) {
    if (!ability.can('read', 'Tariff')) throw forbidden();
    return this.db.forUser(user.id, async (em) => {
      const rows: TariffRow[] = await em.query(
        `SELECT ${COLUMNS} FROM ref_tariffs
          WHERE ($1::text IS NULL OR code = $1) AND ($2::date IS NULL OR (valid_from <= $2::date AND (valid_to IS NULL OR valid_to >= $2::date)))
          ORDER BY code, valid_from`,
        [q.code ?? null, q.on ?? null],
      );
      return rows.map(out);
    });
  }

  async create(user: AuthenticatedUser, ability: AppAbility, t: TariffCreate) {
    if (!ability.can('create', 'Tariff')) throw forbidden('Seule l’équipe ipso peut ajouter un tarif daté.');
    try {
      return await this.db.forPlatform(user.id, async (em) => {
        // Serialise with the trigger's lock so the open period we close is the one we saw.
        await em.query(`SELECT pg_advisory_xact_lock(hashtext('ref_tariffs'), hashtext($1))`, [t.code]);
        const [open]: { id: string }[] = await em.query(
          `SELECT id FROM ref_tariffs WHERE code = $1 AND valid_to IS NULL AND valid_from < $2::date`,
          [t.code, t.validFrom],
        );
        if (open) await em.query(`UPDATE ref_tariffs SET valid_to = $2::date WHERE id = $1`, [open.id, dayBefore(t.validFrom)]);
        const [row]: TariffRow[] = await em.query(
          `INSERT INTO ref_tariffs (code, label, amount_cents, valid_from, valid_to, source, created_by)
           VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
          [t.code, t.label, t.amountCents, t.validFrom, t.validTo ?? null, t.source, user.id],
        );
        await this.audit.record(em, null, {
          action: 'tariff.create',
          resourceType: 'ref_tariffs',
          resourceId: row.id,
          detail: { code: t.code, amountCents: t.amountCents, validFrom: t.validFrom, validTo: t.validTo ?? null, closedTariffId: open?.id ?? null },
        });
        return { ...out(row), closedTariffId: open?.id ?? null };
      });
    } catch (e) {
      if ((e as { code?: string }).code === '23P01')
        throw new Problem(
          409,
          'tarif_chevauchant',
          `Un tarif de ${t.code} est déjà en vigueur sur une partie de la période demandée (à partir du ${t.validFrom}) : les périodes d’un même code ne peuvent pas se chevaucher.`,
          { errors: [{ field: 'validFrom', code: 'tarif_chevauchant', detail: 'période déjà couverte pour ce code' }] },
        );
      throw e;
    }
  }
}
