import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { JsonLogger } from './common/json-logger';
import { DatabaseModule } from './database/database.module';
import { QueueModule } from './queue/queue.module';
import { ImportsWorkerModule } from './imports/imports-worker.module';
import { IndicatorsWorkerModule } from './indicators/indicators-worker.module';
import { StatementsWorkerModule } from './statements/statements-worker.module';

@Module({ imports: [DatabaseModule, QueueModule, ImportsWorkerModule, IndicatorsWorkerModule, StatementsWorkerModule] })
class WorkerModule {}

/** BullMQ worker process: no HTTP; job payloads carry the tenant id and enter TenantDb like requests do. */
async function main() {
  const app = await NestFactory.createApplicationContext(WorkerModule, { logger: new JsonLogger() });
  app.enableShutdownHooks();
  process.stdout.write(JSON.stringify({ level: 'info', msg: 'worker started' }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
