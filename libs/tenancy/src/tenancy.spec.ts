import { asTenantId, currentContext, isUuid, runWithContext } from './tenant-context';
import { CURRENT_TENANT, tenantTableSql } from './rls-sql';
import { sqlLiteral } from './tenant-transaction';

/** Issue #2 §4 — the building blocks of tenant isolation. */
describe('tenancy', () => {
  it('a tenant id is a lower-cased uuid, anything else is refused', () => {
    expect(asTenantId('11111111-1111-4111-8111-11111111111A')).toBe('11111111-1111-4111-8111-11111111111a');
    expect(() => asTenantId("x' OR 1=1 --")).toThrow(/invalide/);
    expect(isUuid('')).toBe(false);
  });

  it('tenant tables get RLS enabled, forced, and a policy per command', () => {
    const sql = tenantTableSql('patients');
    expect(sql).toContain('ALTER TABLE patients ENABLE ROW LEVEL SECURITY');
    expect(sql).toContain('ALTER TABLE patients FORCE ROW LEVEL SECURITY');
    for (const cmd of ['SELECT', 'INSERT', 'UPDATE', 'DELETE']) expect(sql.some((s) => s.includes(`FOR ${cmd}`))).toBe(true);
    expect(sql.join('\n')).toContain(`tenant_id = ${CURRENT_TENANT}`);
    expect(sql.join('\n')).not.toContain("'platform'");
  });

  it('the platform path is opt-in per table and per direction', () => {
    const sql = tenantTableSql('candidacies', { platformRead: true }).join('\n');
    expect(sql).toMatch(/FOR SELECT USING \(.*'platform'/);
    expect(sql).not.toMatch(/FOR INSERT WITH CHECK \(.*'platform'/);
  });

  it('the request context follows async calls and does not leak between them', async () => {
    const seen = await Promise.all(
      ['a', 'b'].map((id) =>
        runWithContext({ correlationId: id }, async () => {
          await new Promise((r) => setTimeout(r, id === 'a' ? 10 : 1));
          return currentContext()?.correlationId;
        }),
      ),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(currentContext()).toBeUndefined();
  });
});

/** Issue #9 §5 — literals of the statements that ride with the COMMIT (deferUntilCommit). */
describe('sqlLiteral', () => {
  it('doubles quotes, and doubles backslashes inside an E literal', () => {
    expect(sqlLiteral("O'Brien")).toBe("'O''Brien'");
    expect(sqlLiteral('a\\b')).toBe(" E'a\\\\b'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral('Hélène')).toBe("'Hélène'");
  });
  it('refuses a NUL character, which PostgreSQL text cannot hold', () => {
    expect(() => sqlLiteral('a\0b')).toThrow(/NUL/);
  });
});
