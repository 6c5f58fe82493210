import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';

export interface ChainBreak {
  tenantId: string;
  seq: string;
  reason: string;
}

/**
 * Recomputes every chain: hash = sha256(prev_hash || canonical row), rows in sequence order,
 * no gap. The canonical text is produced by the same SQL function the trigger used, from
 * the row as it is stored now, so any edited column changes it.
 */
export async function verifyAuditChains(
  ds: DataSource,
): Promise<{ chains: number; events: number; breaks: ChainBreak[] }> {
  return ds.transaction(async (em) => {
    await em.query(`SELECT set_config('app.scope', 'platform', true)`);
    const rows: { tenant_id: string; seq: string; canonical: string; prev_hash: Buffer | null; hash: Buffer }[] =
      await em.query(
        `SELECT e.tenant_id, e.seq::text AS seq, audit_canonical(e) AS canonical, e.prev_hash, e.hash
           FROM audit_events e ORDER BY e.tenant_id, e.seq`,
      );
    const breaks: ChainBreak[] = [];
    let tenant = '';
    let expectedSeq = 0n;
    let prev: Buffer | null = null;
    let chains = 0;
    for (const r of rows) {
      if (r.tenant_id !== tenant) {
        tenant = r.tenant_id;
        expectedSeq = 1n;
        prev = null;
        chains += 1;
      }
      const at = { tenantId: r.tenant_id, seq: r.seq };
      if (BigInt(r.seq) !== expectedSeq) breaks.push({ ...at, reason: `séquence attendue ${expectedSeq}` });
      if ((r.prev_hash ?? null)?.toString('hex') !== prev?.toString('hex')) breaks.push({ ...at, reason: 'prev_hash ne suit pas' });
      const recomputed: Buffer = createHash('sha256')
        .update(Buffer.concat([prev ?? Buffer.alloc(0), Buffer.from(r.canonical, 'utf8')]))
        .digest();
      if (!recomputed.equals(r.hash)) breaks.push({ ...at, reason: 'empreinte recalculée différente (ligne modifiée)' });
      prev = r.hash;
      expectedSeq = BigInt(r.seq) + 1n;
    }
    return { chains, events: rows.length, breaks };
  });
}
