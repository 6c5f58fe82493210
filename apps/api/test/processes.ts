import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Child processes of the reliability tests: the real worker entry point and a private Redis. */
const ROOT = path.resolve(__dirname, '../../..');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a child and waits until it has exited (SIGKILL for a crash, SIGTERM for a clean stop). */
export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** The production worker entry point (apps/api/dist/worker.js), as `npm start` and the Docker image run it. */
export function startWorker(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'apps/api/dist/worker.js')], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] });
}

/** A Redis of this test only, persisting to an append-only file like a production Redis must. */
export function startRedis(port: number, dir: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], {
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    child.stdout!.on('data', (d: Buffer) => d.toString().includes('Ready to accept connections') && resolve(child));
    child.on('error', reject);
  });
}
