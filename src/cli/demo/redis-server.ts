/**
 * A private redis-server on a free port, for the demo, the tests and the bench. Never used in
 * production: there REDIS_URL points at a managed Redis with noeviction and AOF.
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { type Daemon, run, spawnDaemon } from '../../drivers/exec.js';
import { OpError } from '../../model/errors.js';

export interface PrivateRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Whether redis-server can be run here. */
export async function hasRedisServer(bin = 'redis-server'): Promise<boolean> {
  try {
    return (await run(bin, ['--version'], { timeoutMs: 5_000 })).exitCode === 0;
  } catch {
    return false;
  }
}

async function waitForPing(url: string, daemon: Daemon, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void daemon.exited.then(() => {
    exited = true;
  });
  while (Date.now() < deadline && !exited) {
    const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => {});
    try {
      await r.connect();
      if ((await r.ping()) === 'PONG') return;
    } catch {
      // not up yet
    } finally {
      r.disconnect();
    }
    await new Promise((res) => setTimeout(res, 50));
  }
  throw new OpError(
    'INTERNAL',
    `redis-server did not answer on ${url}${exited ? ' (it exited; is the port taken?)' : ''}.`,
  );
}

/** Starts redis-server with no persistence, bound to 127.0.0.1 on a free port. */
export async function startRedis(opts: { dir?: string; logFile?: string } = {}): Promise<PrivateRedis> {
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory-policy',
    'noeviction',
  ];
  if (opts.dir) {
    await mkdir(opts.dir, { recursive: true });
    args.push('--dir', opts.dir);
  }
  const daemon = spawnDaemon('redis-server', args, opts.logFile ? { logFile: opts.logFile } : {});
  const url = `redis://127.0.0.1:${port}`;
  await waitForPing(url, daemon, 10_000);
  return { url, port, stop: () => daemon.stop() };
}
