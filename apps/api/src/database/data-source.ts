import { DataSource } from 'typeorm';
import { ALL_MIGRATIONS } from '@mtr/migrations';
import type { DatabaseConfig } from './database.config';
import { ENTITIES } from './entities';

export function appDataSource(cfg: DatabaseConfig, poolMax = cfg.poolMax): DataSource {
  return new DataSource({
    type: 'postgres',
    url: cfg.appUrl,
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: false,
    extra: { max: poolMax, application_name: 'mtr2-api' },
  });
}

export function ownerDataSource(cfg: DatabaseConfig): DataSource {
  return new DataSource({
    type: 'postgres',
    url: cfg.ownerUrl,
    entities: ENTITIES,
    migrations: ALL_MIGRATIONS,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    extra: { max: 2, application_name: 'mtr2-migrate' },
  });
}

/** Provisioned roles + database, then every pending migration, as the owner. */
export async function migrate(cfg: DatabaseConfig, log: (m: string) => void = () => {}): Promise<void> {
  const ds = ownerDataSource(cfg);
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    for (const m of done) log(`migration appliquée: ${m.name}`);
  } finally {
    await ds.destroy();
  }
}
