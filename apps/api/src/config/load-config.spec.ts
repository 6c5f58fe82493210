import { authConfig } from '../auth/auth.config';
import { databaseConfig } from '../database/database.config';
import { redisConfig } from '../queue/redis.config';

/** Issue #2 §2 — a wrong or missing variable stops the process with a message naming it. */
describe('configuration validated at boot', () => {
  it('names a missing JWT_SECRET', () => {
    expect(() => authConfig({})).toThrow(/auth[\s\S]*JWT_SECRET/);
  });
  it('names a malformed variable and says what is expected', () => {
    expect(() => redisConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL: doit être une URL redis/);
    expect(() => authConfig({ JWT_SECRET: 'x'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: 'abc' })).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
  });
  it('the database needs DATABASE_URL (or explicit role URLs)', () => {
    expect(() => databaseConfig({})).toThrow(/DATABASE_URL/);
    const cfg = databaseConfig({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/postgres' });
    expect(cfg.appUrl).toBe('postgres://mtr_app:mtr_app_dev_only@127.0.0.1:5432/mtr2');
    expect(cfg.ownerUrl).toMatch(/^postgres:\/\/mtr_owner:/);
  });
});
