import 'reflect-metadata';
import { verifyAuditChains } from './verify-audit-chains';
import { databaseConfig } from '../database/database.config';
import { migrate, ownerDataSource } from '../database/data-source';
import { provisionDatabase } from '../database/provision';
import { DEMO_PASSWORD, seedDemo } from './seed';

/** Operator commands: `migrate`, `seed`, `audit-verify`. Each exits non-zero on failure. */
async function main(command: string | undefined): Promise<number> {
  const cfg = databaseConfig();
  switch (command) {
    case 'migrate':
      await provisionDatabase(cfg);
      await migrate(cfg, (m) => console.log(m));
      console.log(`base « ${cfg.databaseName} » à jour`);
      return 0;
    case 'seed': {
      const ds = await ownerDataSource(cfg).initialize();
      try {
        const users = await seedDemo(ds);
        console.log(`\nDonnées de démonstration chargées. Mot de passe de tous les comptes: ${DEMO_PASSWORD}`);
        for (const u of users) {
          console.log(`  ${u.email.padEnd(28)} ${u.role.padEnd(15)}${u.totpSecret ? ` TOTP: secret ${u.totpSecret} (code actuel ${u.totpNow})` : ''}`);
        }
        console.log('  Code TOTP à tout moment: npm run totp -- <secret>');
      } finally {
        await ds.destroy();
      }
      return 0;
    }
    case 'audit-verify': {
      const ds = await ownerDataSource(cfg).initialize();
      try {
        const r = await verifyAuditChains(ds);
        for (const b of r.breaks) console.error(`RUPTURE structure ${b.tenantId} n°${b.seq}: ${b.reason}`);
        console.log(`${r.chains} chaîne(s), ${r.events} événement(s), ${r.breaks.length} rupture(s)`);
        return r.breaks.length === 0 ? 0 : 1;
      } finally {
        await ds.destroy();
      }
    }
    default:
      console.error('usage: cli migrate | seed | audit-verify');
      return 2;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
