/**
 * The whole Slack path in one test process: the Slack stand-in (Web API, response_url, rate
 * limits), a real Bolt app (`createSlackBot`) on a free port, simulated OpenVZ hosts with real
 * workers, and a client that sends signed slash commands and clicks like Slack does.
 */
import { afterAll, beforeAll } from 'vitest';
import { type BotCore, createBotCore } from '../../src/bot/core.js';
import { createSlackBot, type SlackBot } from '../../src/chat/slack/app.js';
import { freePort } from '../../src/cli/demo/redis-server.js';
import type { Config } from '../../src/config/schema.js';
import {
  SlackClientSim,
  type SlackStandin,
  type StandinOptions,
  type StoredMessage,
  startSlackStandin,
} from '../../testkit/slack/index.js';
import type { Block } from '../../testkit/slack/store.js';
import {
  captureLog,
  type LogCapture,
  type Pipeline,
  type SimHostSpec,
  startPipeline,
  waitUntil,
} from './pipeline.js';
import { useRedis } from './redis.js';

export const SIGNING_SECRET = 'test-signing-secret';
export const CHANNEL = 'C0OPS';
export const ALICE = 'U0ALICE';
export const BOB = 'U0BOB';

export interface SlackStack {
  standin: SlackStandin;
  client: SlackClientSim;
  pipe: Pipeline;
  /** The first bot replica. */
  bot: Replica;
  /** Starts another bot replica on the same Redis (its own port and core). */
  replica(): Promise<Replica>;
  /** `/vps <text>` as a user in a channel (default alice in #ops). */
  command(text: string, o?: { user?: string; channel?: string }): ReturnType<SlackClientSim['command']>;
  /** The message of a job in a channel, once the notifier has posted it. */
  jobMessage(jobId: string, channel?: string): StoredMessage | undefined;
  /** Waits until the job's message satisfies `ok` (e.g. shows "done"). */
  waitJobMessage(
    jobId: string,
    ok: (m: StoredMessage) => boolean,
    o?: { channel?: string; timeoutMs?: number; what?: string },
  ): Promise<StoredMessage>;
  close(): Promise<void>;
}

export interface Replica {
  core: BotCore;
  bot: SlackBot;
  log: LogCapture;
  url: string;
  stop(): Promise<void>;
}

export interface SlackStackOptions {
  redisUrl: string;
  hosts: Record<string, SimHostSpec>;
  config?: Record<string, unknown>;
  standin?: StandinOptions;
}

/** All text of a message: its fallback text and every text object in its blocks. */
export function messageText(m: { text: string; blocks?: Block[] }): string {
  return `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;
}

async function startReplica(config: Config, port: number): Promise<Replica> {
  const log = captureLog('warn');
  const cfg: Config = { ...config, slack: { ...config.slack, port } };
  const core = createBotCore(cfg, log.logger);
  const bot = createSlackBot(core, log.logger);
  await bot.start();
  let stopped = false;
  return {
    core,
    bot,
    log,
    url: `http://127.0.0.1:${port}/slack/events`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await bot.stop();
      await core.close();
    },
  };
}

export async function startSlackStack(o: SlackStackOptions): Promise<SlackStack> {
  const standin = await startSlackStandin(o.standin ?? {});
  const port = await freePort();
  const pipe = await startPipeline({
    redisUrl: o.redisUrl,
    hosts: o.hosts,
    notifier: false,
    config: {
      ...(o.config ?? {}),
      slack: { apiUrl: standin.apiUrl, port, ...((o.config?.slack as object) ?? {}) },
    },
    env: { SLACK_BOT_TOKEN: standin.identity.botToken, SLACK_SIGNING_SECRET: SIGNING_SECRET },
  });
  const replicas: Replica[] = [await startReplica(pipe.config, port)];
  const first = replicas[0]!;
  const client = new SlackClientSim({ standin, eventsUrl: first.url, signingSecret: SIGNING_SECRET });
  const find = (jobId: string, channel = CHANNEL) =>
    standin.history(channel).find((m) => m.blocks && JSON.stringify(m.blocks).includes(`job \`${jobId}\``));
  return {
    standin,
    client,
    pipe,
    bot: first,
    async replica() {
      const r = await startReplica(pipe.config, await freePort());
      replicas.push(r);
      return r;
    },
    command: (text, c = {}) => client.command(text, { user: c.user ?? ALICE, channel: c.channel ?? CHANNEL }),
    jobMessage: find,
    waitJobMessage: (jobId, ok, w = {}) =>
      waitUntil(
        () => {
          const m = find(jobId, w.channel);
          return m && ok(m) ? m : undefined;
        },
        w.timeoutMs ?? 15_000,
        w.what ?? `the message of job ${jobId}`,
      ),
    async close() {
      await Promise.all(replicas.map((r) => r.stop().catch(() => {})));
      await pipe.close();
      await standin.close();
    },
  };
}

/**
 * The Slack stack for one test file, on its own redis-server: started before the file's tests,
 * once every host has published its inventory, and closed after them. Read it inside tests.
 */
export function useSlackStack(o: Omit<SlackStackOptions, 'redisUrl'>): SlackStack {
  const redis = useRedis();
  let stack: SlackStack | undefined;
  beforeAll(async () => {
    stack = await startSlackStack({ ...o, redisUrl: redis.url });
    const hosts = Object.keys(o.hosts);
    await waitUntil(
      async () => (await stack!.pipe.core.fleet.inventories(hosts)).size === hosts.length,
      10_000,
      'every host’s inventory',
    );
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });
  // Tests hold this before the stack exists: forward every property to it once it does.
  return new Proxy({} as SlackStack, {
    get(_, key) {
      if (!stack) throw new Error('the Slack stack is not started yet');
      return stack[key as keyof SlackStack];
    },
  });
}
