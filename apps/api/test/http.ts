import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createHttpApp } from '../src/http-app';
import { PASSWORD, type TestUser } from './factories';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  headers: Record<string, unknown>;
}

/** The real application (Fastify, real database and Redis) driven in-process with light-my-request. */
export class TestApi {
  private constructor(readonly app: NestFastifyApplication) {}

  static async start(): Promise<TestApi> {
    return new TestApi(await createHttpApp({ logger: process.env.API_TEST_LOGS === '1' }));
  }

  async request(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Reply> {
    const res = await this.app.getHttpAdapter().getInstance().inject({
      method: method as 'GET',
      url,
      headers: { ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      ...(opts.body !== undefined ? { payload: opts.body as object } : {}),
    });
    let body: unknown = res.body;
    try {
      body = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      /* not JSON */
    }
    return { status: res.statusCode, body, headers: res.headers };
  }

  async login(user: TestUser): Promise<{ accessToken: string; refreshToken: string }> {
    const r = await this.request('POST', '/auth/login', {
      body: { email: user.email, password: PASSWORD, ...(user.totpSecret ? { totp: user.totp() } : {}) },
    });
    if (r.status !== 200) throw new Error(`login failed ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }

  close(): Promise<void> {
    return this.app.close();
  }
}
