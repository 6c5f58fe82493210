import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { databaseConfig } from './database.config';
import { appDataSource } from './data-source';
import { APP_DATA_SOURCE, TenantDb } from './tenant-db';

/** The app-role connection pool, and TenantDb as the only way feature modules use it. */
@Global()
@Module({
  providers: [
    {
      provide: APP_DATA_SOURCE,
      useFactory: async () => appDataSource(databaseConfig()).initialize(),
    },
    TenantDb,
  ],
  exports: [TenantDb],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(APP_DATA_SOURCE) private readonly ds: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.ds.isInitialized) await this.ds.destroy();
  }
}
