import { z } from 'zod';
import { loadConfig } from '../config/load-config';

const schema = z.object({
  JWT_SECRET: z.string().min(32, 'au moins 32 caractères (générez-le: openssl rand -base64 48)'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(3600).default(900),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(3).max(20).default(5),
  LOGIN_LOCKOUT_MINUTES: z.coerce.number().int().min(1).max(1440).default(15),
  /** Login attempts per minute for one (IP, e-mail) pair, before any password check. */
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1000).default(10),
});

export type AuthConfig = z.infer<typeof schema>;
export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
export const authConfig = (env = process.env): AuthConfig => loadConfig('auth', schema, env);
