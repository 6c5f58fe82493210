import 'reflect-metadata';
import { createHttpApp } from './http-app';

async function main() {
  const app = await createHttpApp();
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(port, host);
  process.stdout.write(JSON.stringify({ level: 'info', msg: 'api listening', url: `http://${host}:${port}`, docs: `http://${host}:${port}/docs` }) + '\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
