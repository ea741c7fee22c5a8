/**
 * `vpsops worker --host NAME` as its own process (dist/src/cli.js): configured by VPSOPS_CONFIG,
 * REDIS_URL and VPSOPS_JOB_KEY, it serves its host's queue and shuts down cleanly on SIGTERM.
 * Needs the build first.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { packageRoot } from '../../src/config/load.js';
import { type Daemon, spawnDaemon } from '../../src/drivers/exec.js';
import { TEST_JOB_KEY } from '../helpers/config.js';
import { type Pipeline, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
const HOST = 'vz-p';
let p: Pipeline;
let redis: Redis;
let daemon: Daemon | undefined;
let logFile: string;

beforeAll(async () => {
  redis = new Redis(redisServer.url);
  // The bot side in this process; the worker of vz-p runs as a child process.
  p = await startPipeline({
    redisUrl: redisServer.url,
    hosts: {
      [HOST]: {
        worker: false,
        delays: { start: 2_000 },
        containers: [{ ctid: 401, name: 'proc-1', running: false }],
      },
    },
  });
  const sim = p.host(HOST).sim;
  const configFile = join(p.dir, 'worker.yaml');
  await writeFile(
    configFile,
    stringify({
      hosts: {
        [HOST]: {
          kind: 'openvz',
          group: 'test',
          openvz: { vzctl: sim.vzctl, vzlist: sim.vzlist, procRoot: sim.procRoot, diskRoot: sim.dir },
        },
      },
      worker: { heartbeatInterval: '200ms', heartbeatTtl: '1s', shutdownGrace: '15s' },
      openvz: { pollInterval: '300ms' },
      log: { level: 'info' },
    }),
  );
  logFile = join(p.dir, 'worker.log');
  daemon = spawnDaemon(
    process.execPath,
    [join(packageRoot(), 'dist', 'src', 'cli.js'), 'worker', '--host', HOST],
    {
      env: { REDIS_URL: redisServer.url, VPSOPS_CONFIG: configFile, VPSOPS_JOB_KEY: TEST_JOB_KEY },
      logFile,
    },
  );
  // The inventory is published after the first heartbeat, just before the worker takes jobs.
  await waitUntil(
    async () => (await redis.exists(`vpsops:inventory:${HOST}`)) === 1,
    15_000,
    'the worker process to publish its inventory',
  ).catch(async (err) => {
    throw new Error(`${(err as Error).message}\n${await readFile(logFile, 'utf8').catch(() => '')}`);
  });
});

afterAll(async () => {
  await daemon?.stop(2_000);
  await p?.close();
  redis?.disconnect();
});

describe('worker process', () => {
  it('on SIGTERM it finishes the running job, signs off and exits 0', async () => {
    const r = await p.run('/vps start proc-1');
    expect(r.ok, r.text).toBe(true);
    await p.sink.phase(r.jobId!, 'running');
    const termAt = Date.now();
    const stopping = daemon!.stop(15_000);
    const final = await p.sink.final(r.jobId!, 10_000);
    expect(final.view.phase).toBe('done');
    expect(final.notice.result?.summary).toBe('proc-1 (401) is running.');
    // The job was still running when the signal came.
    expect(final.notice.at).toBeGreaterThan(termAt);
    await stopping;
    expect(await daemon!.exited).toBe(0);
    expect(await redis.exists(`vpsops:heartbeat:${HOST}`)).toBe(0);
    expect(await p.host(HOST).ctl.isRunning(401)).toBe(true);
    const job = await p.core.jobs.queue(HOST).getJob(r.jobId!);
    expect(await job!.getState()).toBe('completed');
    const log = (await readFile(logFile, 'utf8'))
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg?: string; finished?: boolean });
    expect(log.find((l) => l.msg === 'worker stopped')?.finished).toBe(true);
  });
});
