/**
 * Ack latency of `/vps start` through vpsops' whole Slack listener (Bolt's HTTP receiver, signature
 * check, dispatch: parse, resolve from Redis, sign, enqueue; ack; then the outbox write) against
 * the floor measured in the same run: a bare Bolt app whose listener only does queue.add then ack.
 * Both are driven by the same signed-request client against the Slack stand-in, in alternating rounds.
 */
import { randomBytes } from 'node:crypto';
import { App, LogLevel } from '@slack/bolt';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createBotCore } from '../src/bot/core.js';
import { createSlackBot } from '../src/chat/slack/app.js';
import { freePort, startRedis } from '../src/cli/demo/redis-server.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import { FleetStore } from '../src/store/fleet.js';
import { Keys } from '../src/store/keys.js';
import { SlackClientSim, startSlackStandin } from '../testkit/slack/index.js';
import { BENCH_ACCESS } from './access.js';
import { ms, summarize } from './stats.js';

const N = Number(process.argv[2] ?? 2000);
const WARMUP = 200;
const ROUNDS = 10;
const SECRET = 'bench-signing-secret';

const server = await startRedis();
const standin = await startSlackStandin({ limits: false });
const log = createLogger('warn');
const key = randomBytes(32).toString('hex');
const [oursPort, floorPort] = [await freePort(), await freePort()];
const config = loadConfig({
  env: {
    REDIS_URL: server.url,
    VPSOPS_JOB_KEY: key,
    SLACK_BOT_TOKEN: standin.identity.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: standin.apiUrl,
    PORT: String(oursPort),
  },
  overrides: [{ hosts: { 'vz-1': { kind: 'openvz' } }, log: { level: 'warn' }, ...BENCH_ACCESS }],
});

// A host that reports, with 50 guests, and no worker: acks must not wait on hosts anyway.
const redis = new Redis(server.url);
const fleet = new FleetStore(redis, new Keys(config.redis.prefix));
const guests = Array.from({ length: 50 }, (_, i) => ({
  id: String(101 + i),
  name: `web-${i + 1}`,
  state: 'stopped' as const,
  vcpus: 1,
  memoryBytes: 1 << 30,
  diskBytes: 1 << 34,
  ips: [],
}));
await fleet.heartbeat('vz-1', 3_600_000);
await fleet.publishInventory({ host: 'vz-1', at: Date.now(), guests }, true);

const core = createBotCore(config, log);
const ours = createSlackBot(core, log);
await ours.start();

const floorQueue = new Queue('floor', { connection: redis });
const floorApp = new App({
  token: standin.identity.botToken,
  signingSecret: SECRET,
  clientOptions: { slackApiUrl: standin.apiUrl },
  logLevel: LogLevel.ERROR,
});
floorApp.command('/vps', async ({ command, ack }) => {
  await floorQueue.add('start', { text: command.text, user: command.user_id }, { removeOnComplete: true });
  await ack();
});
await floorApp.start(floorPort);

const client = (port: number) =>
  new SlackClientSim({ standin, eventsUrl: `http://127.0.0.1:${port}/slack/events`, signingSecret: SECRET });
const oursClient = client(oursPort);
const floorClient = client(floorPort);
let i = 0;
const once = async (c: SlackClientSim, out: number[]) => {
  const r = await c.command(`start web-${1 + (i++ % 50)}`, { user: 'U0BENCH', channel: 'C0BENCH' });
  if (r.status !== 200 || r.body !== '') throw new Error(`unexpected answer ${r.status} ${r.body}`);
  out.push(r.ms);
};
const round = async (c: SlackClientSim, n: number, out: number[]) => {
  for (let k = 0; k < n; k++) await once(c, out);
};

await round(floorClient, WARMUP, []);
await round(oursClient, WARMUP, []);
const floor: number[] = [];
const oursMs: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  await round(floorClient, Math.ceil(N / ROUNDS), floor);
  await round(oursClient, Math.ceil(N / ROUNDS), oursMs);
}
const f = summarize(floor);
const o = summarize(oursMs);
console.log(
  `vpsops Slack ack bench: ${N} signed /vps start each, ${ROUNDS} alternating rounds after ${WARMUP} warm-up`,
);
console.log(
  `floor (bare Bolt listener: queue.add, ack): p50 ${ms(f.p50)}  p99 ${ms(f.p99)}  mean ${ms(f.mean)}`,
);
console.log(
  `vpsops (verify, parse, resolve, sign, enqueue, ack): p50 ${ms(o.p50)}  p99 ${ms(o.p99)}  mean ${ms(o.mean)}`,
);
console.log(
  `ratio p99 ${(o.p99 / f.p99).toFixed(2)}  (goal <= 2.0)   ratio p50 ${(o.p50 / f.p50).toFixed(2)}`,
);

await ours.stop();
await floorApp.stop();
await floorQueue.close();
await core.close();
await redis.quit();
await standin.close();
await server.stop();
process.exit(0);
