/**
 * Slack calls per minute with 20 concurrent long jobs in one channel (the hardest case: one
 * channel's post limit), against Slack's published limits enforced by the stand-in. Each job runs
 * JOB_SECONDS and reports progress every 500 ms; the notifier must coalesce that into what the
 * budget allows, land every outcome, and never meet a 429.
 */
import { randomBytes } from 'node:crypto';
import { catalogue } from '../jobs/index.js';
import { createBotCore } from '../src/bot/core.js';
import { createSlackBot } from '../src/chat/slack/app.js';
import { freePort, startRedis } from '../src/cli/demo/redis-server.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/log.js';
import type { OpContext } from '../src/model/hypervisor.js';
import { startWorker } from '../src/worker/index.js';
import { MemoryDriver } from '../testkit/memory-driver.js';
import { SlackClientSim, startSlackStandin } from '../testkit/slack/index.js';
import { BENCH_ACCESS } from './access.js';

const JOBS = 20;
const JOB_SECONDS = Number(process.argv[2] ?? 75);
const SECRET = 'bench-signing-secret';
const CHANNEL = 'C0BENCH';

/** Starts take JOB_SECONDS and report a step every 500 ms, like a long create would. */
class SlowDriver extends MemoryDriver {
  override async start(id: string, ctx?: OpContext): Promise<void> {
    const steps = JOB_SECONDS * 2;
    for (let k = 1; k <= steps; k++) {
      await new Promise((r) => setTimeout(r, 500));
      ctx?.signal?.throwIfAborted();
      ctx?.progress?.((k / steps) * 100, `step ${k} of ${steps}`);
    }
    await super.start(id);
  }
}

const server = await startRedis();
const standin = await startSlackStandin();
const log = createLogger('warn');
const key = randomBytes(32).toString('hex');
const port = await freePort();
const env = { REDIS_URL: server.url, VPSOPS_JOB_KEY: key };
const overrides = [{ hosts: { bench: { kind: 'openvz' } }, worker: { concurrency: JOBS }, ...BENCH_ACCESS }];
const config = loadConfig({
  env: {
    ...env,
    SLACK_BOT_TOKEN: standin.identity.botToken,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: standin.apiUrl,
    PORT: String(port),
  },
  overrides,
});
const driver = new SlowDriver(JOBS);
await Promise.all((await driver.list()).map((g) => driver.shutdown(g.id)));
const worker = await startWorker({
  config: loadConfig({ env, overrides }),
  host: 'bench',
  driver,
  jobKey: key,
  catalogue,
  log,
  group: 'bench',
});
const core = createBotCore(config, log);
const bot = createSlackBot(core, log);
await bot.start();
const client = new SlackClientSim({
  standin,
  eventsUrl: `http://127.0.0.1:${port}/slack/events`,
  signingSecret: SECRET,
});

const t0 = Date.now();
await Promise.all(
  Array.from({ length: JOBS }, (_, i) =>
    client.command(`start web-${i + 1}`, { user: 'U0BENCH', channel: CHANNEL }),
  ),
);
const jobsDone = () => standin.history(CHANNEL).filter((m) => m.text.includes(': done')).length;
while (jobsDone() < JOBS) {
  if (Date.now() - t0 > (JOB_SECONDS + 240) * 1000)
    throw new Error(`only ${jobsDone()} of ${JOBS} jobs reached done`);
  await new Promise((r) => setTimeout(r, 250));
}
const elapsed = (Date.now() - t0) / 1000;
const count = (m: string) => standin.calls.filter((c) => c.method === m).length;
const updatePeak = standin.callsPerWindow('chat.update', 60_000);
const postPeakSecond = standin.callsPerWindow('chat.postMessage', 1_000);
const postPeakMinute = standin.callsPerWindow('chat.postMessage', 60_000);
console.log(
  `vpsops Slack load bench: ${JOBS} concurrent jobs of ${JOB_SECONDS} s in one channel, progress every 500 ms`,
);
console.log(
  `all ${JOBS} outcomes posted after ${elapsed.toFixed(1)} s; calls: chat.postMessage ${count('chat.postMessage')}, chat.update ${count('chat.update')}; 429s: ${standin.count429}`,
);
console.log(
  `chat.update peak ${updatePeak} in any minute = ${(updatePeak / 50).toFixed(2)} of Tier 3 (50/min)  (goal <= 0.80)`,
);
console.log(
  `chat.postMessage in the channel: peak ${postPeakSecond} in any second, ${postPeakMinute} in any minute = ${(postPeakMinute / 60).toFixed(2)} of 1/s  (goal <= 0.80)`,
);
await bot.stop();
await worker.close(1000);
await core.close();
await standin.close();
await server.stop();
process.exit(standin.count429 === 0 ? 0 : 1);
