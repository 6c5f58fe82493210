import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AuditTrail } from '../audit-trail/audit-trail.service';
import { databaseConfig } from '../database/database.config';
import { ownerDataSource } from '../database/data-source';
import type { TenantDb } from '../database/tenant-db';
import { readAavWorkbook, readPopulationsCsv } from '../reference-data/aav-file';
import { ReferenceDataService } from '../reference-data/reference-data.service';

/**
 * `npm run reference:import -- aav <AAV2020.xlsx>` | `-- populations <file.csv> [year]`: the full
 * national INSEE files, too large for the API's 1 MiB body. Same checks and tables as the API.
 */
async function main([kind, file, year]: string[]): Promise<number> {
  if (!file || (kind !== 'aav' && kind !== 'populations')) {
    console.error('usage: reference:import aav <AAV2020.xlsx> | populations <populations.csv> [année]');
    return 2;
  }
  const bytes = readFileSync(file);
  const service = new ReferenceDataService(undefined as unknown as TenantDb, new AuditTrail());
  const ds = await ownerDataSource(databaseConfig()).initialize();
  try {
    const parsedAav = kind === 'aav' ? await readAavWorkbook(bytes) : null;
    const parsedPop = kind === 'populations' ? readPopulationsCsv(bytes) : null;
    const summary = await ds.transaction(async (em) => {
      await em.query(`SELECT set_config('app.scope', 'platform', true)`);
      return parsedAav
        ? service.storeAav(em, null, path.basename(file), bytes, parsedAav, false)
        : service.storePopulations(em, null, path.basename(file), bytes, parsedPop!, year ? Number(year) : null, false);
    });
    console.log(`${summary.kind}: ${summary.rowCount} lignes importées (SHA-256 ${summary.sha256})`);
    return 0;
  } finally {
    await ds.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    const extra = (e as { extra?: { errors?: { line?: number; column?: string; detail: string }[] } }).extra;
    console.error(e instanceof Error ? e.message : e);
    for (const x of extra?.errors ?? []) console.error(`  ligne ${x.line ?? '?'} ${x.column ?? ''}: ${x.detail}`);
    process.exit(1);
  },
);
