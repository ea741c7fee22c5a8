/**
 * npm run bench: command-to-result overhead of the vpsops pipeline (dispatcher → host queue →
 * worker → driver call that costs nothing → notify queue → notifier) against the floor measured
 * in the same run on the same Redis: a bare BullMQ add → worker → completed round trip.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { catalogue } from '../jobs/index.js';
import { createBotCore } from '../src/bot/core.js';
import { Notifier } from '../src/bot/notifier.js';
import { startRedis } from '../src/cli/demo/redis-server.js';
import { loadConfig, packageRoot } from '../src/config/load.js';
import { spawnDaemon } from '../src/drivers/exec.js';
import { createLogger } from '../src/log.js';
import { Keys } from '../src/store/keys.js';
import type { JobNotice } from '../src/store/notify.js';
import { BENCH_ACCESS } from './access.js';
import { mb, ms, summarize } from './stats.js';

const N = Number(process.argv[2] ?? 2000);
const WARMUP = 200;
// These machines are noisy: floor and ours run in alternating rounds so both see the same conditions.
const ROUNDS = 10;

async function measure(n: number, once: () => Promise<void>, out: number[] = []): Promise<number[]> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await once();
    out.push(performance.now() - t0);
  }
  return out;
}

async function waitFor(redis: Redis, key: string): Promise<void> {
  while (!(await redis.get(key))) await new Promise((r) => setTimeout(r, 50));
}

const server = await startRedis();
const key = randomBytes(32).toString('hex');
const child = (mode: string) =>
  spawnDaemon(process.execPath, [join(packageRoot(), 'dist', 'bench', 'children.js'), mode, server.url, key]);
const floorWorker = child('floor');
const ourWorker = child('ours');
const redis = new Redis(server.url, { maxRetriesPerRequest: null });
const config = loadConfig({
  env: { REDIS_URL: server.url, VPSOPS_JOB_KEY: key },
  overrides: [{ hosts: { bench: { kind: 'openvz' } }, ...BENCH_ACCESS }],
});
await Promise.all([
  waitFor(redis, 'bench:rss:floor'),
  waitFor(redis, 'bench:rss:ours'),
  waitFor(redis, new Keys(config.redis.prefix).heartbeat('bench')),
]);

// Floor: the bare BullMQ round trip.
const fq = new Queue('floor', { connection: redis });
const fe = new QueueEvents('floor', { connection: new Redis(server.url, { maxRetriesPerRequest: null }) });
await fe.waitUntilReady();
const floorOnce = async () => {
  const job = await fq.add('x', { n: 1 }, { removeOnComplete: { count: 5000 } });
  await job.waitUntilFinished(fe);
};

// Ours: a signed /vps command through the dispatcher to its outcome at the notifier.
const log = createLogger('warn');
const core = createBotCore(config, log);
// The outcome can reach the notifier before dispatch() has returned here: keep it until asked.
const outcomes = new Map<string, { promise: Promise<void>; resolve: () => void }>();
const outcome = (id: string) => {
  let o = outcomes.get(id);
  if (!o) {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => {
      resolve = r;
    });
    o = { promise, resolve };
    outcomes.set(id, o);
  }
  return o;
};
const notifier = new Notifier({
  redisUrl: server.url,
  prefix: config.redis.prefix,
  catalogue,
  log,
  sink: {
    async job(_v, n: JobNotice) {
      if (n.phase === 'done' || n.phase === 'failed' || n.phase === 'cancelled')
        outcome(n.requestId).resolve();
    },
    async guest() {},
    async approval() {},
  },
});
notifier.start();
let i = 0;
const oursOnce = async () => {
  const text = `${i++ % 2 ? 'start' : 'stop'} web-${1 + (i % 50)}`;
  const reply = await core.pipeline.dispatch({ text, user: 'bench', origin: 'bench' });
  if (!reply.jobId) throw new Error(`bench command refused: ${reply.text}`);
  await outcome(reply.jobId).promise;
  outcomes.delete(reply.jobId);
};

await measure(WARMUP, floorOnce);
await measure(WARMUP, oursOnce);
const floor: number[] = [];
const ours: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  await measure(Math.ceil(N / ROUNDS), floorOnce, floor);
  await measure(Math.ceil(N / ROUNDS), oursOnce, ours);
}

const [rssWorker, rssFloor] = await Promise.all([redis.get('bench:rss:ours'), redis.get('bench:rss:floor')]);
const f = summarize(floor);
const o = summarize(ours);
console.log(
  `vpsops pipeline bench: ${N} sequential commands each, in ${ROUNDS} alternating rounds after ${WARMUP} warm-up, one redis-server ${server.url}`,
);
console.log(
  `floor (bare BullMQ add → worker → completed): p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  mean ${ms(f.mean)}`,
);
console.log(
  `vpsops (dispatch → host queue → worker → notify → notifier): p50 ${ms(o.p50)}  p99 ${ms(o.p99)}  mean ${ms(o.mean)}`,
);
console.log(
  `ratio p50 ${(o.p50 / f.p50).toFixed(2)}  (goal <= 2.0)   ratio p99 ${(o.p99 / f.p99).toFixed(2)}`,
);
console.log(
  `RSS: dispatcher+notifier process ${mb(process.memoryUsage().rss)}  vpsops worker ${mb(Number(rssWorker))}  bare BullMQ worker ${mb(Number(rssFloor))}`,
);

await notifier.close();
await core.close();
await fe.close();
await fq.close();
redis.disconnect();
await Promise.all([floorWorker.stop(), ourWorker.stop()]);
await server.stop();
process.exit(0);
