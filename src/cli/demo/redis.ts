/**
 * Redis for the demo: REDIS_URL when set, else a private redis-server. When redis-server is
 * missing it is installed with apt-get as root, or the one command to run is printed.
 */
import { join } from 'node:path';
import { run } from '../../drivers/exec.js';
import { OpError } from '../../model/errors.js';
import { hasRedisServer, startRedis } from './redis-server.js';

export async function ensureRedis(
  env: Readonly<Record<string, string | undefined>>,
  dir: string,
  say: (t: string) => void,
): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (env.REDIS_URL) {
    say(`Using Redis at ${env.REDIS_URL} (REDIS_URL).`);
    return { url: env.REDIS_URL };
  }
  if (!(await hasRedisServer())) await installRedis(say);
  const r = await startRedis({ dir: join(dir, 'redis'), logFile: join(dir, 'redis.log') });
  say(`Started a private redis-server on port ${r.port}.`);
  return { url: r.url, stop: r.stop };
}

async function installRedis(say: (t: string) => void): Promise<void> {
  if (process.getuid?.() !== 0) {
    throw new OpError('CONFIG', 'redis-server is not installed.', {
      hint: 'Install it with: sudo apt-get install -y redis-server   (or set REDIS_URL to a Redis you have)',
    });
  }
  say('redis-server is missing; installing it with apt-get (one time)…');
  const env = { DEBIAN_FRONTEND: 'noninteractive' };
  const timeoutMs = 10 * 60_000;
  let res = await run('apt-get', ['install', '-y', '-q', 'redis-server'], { env, timeoutMs });
  if (res.exitCode !== 0) {
    await run('apt-get', ['update', '-q'], { env, timeoutMs });
    res = await run('apt-get', ['install', '-y', '-q', 'redis-server'], { env, timeoutMs });
  }
  if (res.exitCode !== 0 || !(await hasRedisServer())) {
    throw new OpError('CONFIG', 'Installing redis-server failed.', {
      detail: res.stderr,
      hint: 'Run: apt-get install -y redis-server',
    });
  }
}
