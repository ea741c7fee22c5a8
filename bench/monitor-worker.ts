/**
 * The RSS part of bench/monitor.ts: the real `vpsops worker` (dist/src/cli.js, no bench code in
 * it) for a simulated OpenVZ host, on a private redis-server. Its RSS is read from
 * /proc/<pid>/status by this process, so nothing in the worker has to report it.
 */
import { randomBytes } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { startRedis } from '../src/cli/demo/redis-server.js';
import { loadConfig, packageRoot } from '../src/config/load.js';
import { spawnDaemon } from '../src/drivers/exec.js';
import type { SimHost } from '../src/sim/openvz/index.js';
import type { Inventory } from '../src/store/fleet.js';
import { Keys } from '../src/store/keys.js';

export interface WorkerRss {
  guests: number;
  /** Polls (vzlist calls) the worker made after its first inventory was published. */
  polls: number;
  /** VmRSS at the end, and VmHWM (the peak over the worker's life). */
  rss: number;
  peak: number;
}

const HOST = 'bench';
const TIMEOUT_MS = 60_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** VmRSS and VmHWM of a process in bytes; undefined once it is gone. */
async function procRss(pid: number): Promise<{ rss: number; peak: number } | undefined> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text ?? '')?.[1]);
  const rss = kb('VmRSS');
  return Number.isFinite(rss) ? { rss: rss * 1024, peak: kb('VmHWM') * 1024 } : undefined;
}

/**
 * Runs `vpsops worker --host bench` against `sim` until its inventory is in Redis and `polls`
 * more vzlist calls ran, then reads its RSS and stops it.
 */
export async function measureWorkerRss(sim: SimHost, dir: string, polls: number): Promise<WorkerRss> {
  // A vzlist that counts its own starts: each watch poll is one of them.
  const counter = join(dir, 'vzlist-count');
  const vzlist = join(dir, 'vzlist-counting');
  await writeFile(counter, '');
  await writeFile(vzlist, `#!/bin/sh\necho x >> '${counter}'\nexec '${sim.vzlist}' "$@"\n`);
  await chmod(vzlist, 0o755);
  const calls = async () => (await readFile(counter, 'utf8')).length / 2;
  const configFile = join(dir, 'worker.json'); // JSON is YAML
  const openvz = { vzctl: sim.vzctl, vzlist, procRoot: sim.procRoot, diskRoot: sim.dir, pollInterval: '1s' };
  await writeFile(
    configFile,
    JSON.stringify({ hosts: { [HOST]: { kind: 'openvz', openvz } }, worker: { inventoryInterval: '2s' } }),
  );

  const server = await startRedis();
  const logFile = join(dir, 'worker.log');
  const worker = spawnDaemon(
    process.execPath,
    [join(packageRoot(), 'dist', 'src', 'cli.js'), 'worker', '--host', HOST],
    {
      env: {
        VPSOPS_CONFIG: configFile,
        REDIS_URL: server.url,
        VPSOPS_JOB_KEY: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'warn',
      },
      logFile,
    },
  );
  const redis = new Redis(server.url);
  const key = new Keys(loadConfig({ env: {} }).redis.prefix).inventory(HOST);
  let exited = false;
  void worker.exited.then(() => {
    exited = true;
  });
  try {
    const deadline = Date.now() + TIMEOUT_MS;
    const waitUntil = async (done: () => Promise<boolean>, what: string) => {
      while (!(await done())) {
        if (exited || Date.now() > deadline) {
          const log = await readFile(logFile, 'utf8').catch(() => '');
          throw new Error(`worker ${exited ? 'exited' : 'timed out'} before ${what}:\n${log.slice(-2000)}`);
        }
        await sleep(100);
      }
    };
    let inventory: Inventory | undefined;
    await waitUntil(async () => {
      const raw = await redis.get(key);
      inventory = raw ? (JSON.parse(raw) as Inventory) : undefined;
      return inventory !== undefined;
    }, 'publishing its inventory');
    const start = await calls();
    await waitUntil(async () => (await calls()) - start >= polls, `${polls} polls`);
    // Let the last poll's listing be parsed and diffed before reading.
    await sleep(500);
    const mem = await procRss(worker.pid!);
    if (!mem) throw new Error('could not read the worker RSS from /proc (Linux only)');
    return { guests: inventory!.guests.length, polls: (await calls()) - start, ...mem };
  } finally {
    await worker.stop();
    redis.disconnect();
    await server.stop();
  }
}
