import { z } from 'zod';
import { loadConfig } from '../config/load-config';

const schema = z.object({
  REDIS_URL: z.string().refine((v) => /^rediss?:\/\//.test(v), 'doit être une URL redis://hôte:port').default('redis://127.0.0.1:6379'),
});
export const redisConfig = (env = process.env) => loadConfig('redis', schema, env);

/** BullMQ connection options from REDIS_URL. */
export function bullConnection(url = redisConfig().REDIS_URL) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    maxRetriesPerRequest: null,
  };
}
