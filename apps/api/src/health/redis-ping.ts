import { connect } from 'node:net';

/** PING over a plain socket: readiness must not depend on a client library's reconnect loop. */
export function redisPing(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const socket = connect(Number(u.port || 6379), u.hostname);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => {
      if (u.password) socket.write(`AUTH ${decodeURIComponent(u.password)}\r\n`);
      socket.write('PING\r\n');
    });
    socket.on('data', (d) => done(d.toString().includes('PONG')));
  });
}
