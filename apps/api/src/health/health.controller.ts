import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { Public } from '../auth/decorators';
import { TenantDb } from '../database/tenant-db';
import { Contract } from '../docs/contract';
import { redisConfig } from '../queue/redis.config';
import { redisPing } from './redis-ping';

const readySchema = z.object({ status: z.enum(['ok', 'degraded']), checks: z.object({ postgres: z.boolean(), redis: z.boolean() }) });

@Public()
@Controller('health')
export class HealthController {
  private readonly redisUrl = redisConfig().REDIS_URL;

  constructor(private readonly db: TenantDb) {}

  @Get('live')
  @Contract({ tag: 'Santé', summary: 'Le processus répond', response: z.object({ status: z.literal('ok') }) })
  live() {
    return { status: 'ok' as const };
  }

  @Get('ready')
  @Contract({ tag: 'Santé', summary: 'PostgreSQL et Redis joignables (503 sinon)', response: readySchema })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const [postgres, redis] = await Promise.all([
      this.db.ping().then(() => true, () => false),
      redisPing(this.redisUrl),
    ]);
    const ok = postgres && redis;
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'degraded', checks: { postgres, redis } };
  }
}
