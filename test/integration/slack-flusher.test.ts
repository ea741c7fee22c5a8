/**
 * The flusher's scheduling on a fake clock: a real redis-server holds the outbox, the Slack stand-in
 * answers over HTTP and enforces Slack's limits, and one fake clock drives the budget, the flusher
 * and the stand-in. The clock moves only when the flusher sleeps, so each call's stamp is the moment
 * the flusher chose for it, whatever the machine's load.
 */
import { Redis } from 'ioredis';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type CallKey, SlackBudget } from '../../src/chat/slack/notify/budget.js';
import { SlackFlusher } from '../../src/chat/slack/notify/flusher.js';
import { SlackOutbox } from '../../src/chat/slack/notify/outbox.js';
import { webTransport } from '../../src/chat/slack/notify/transport.js';
import type { Block } from '../../src/chat/view/blocks.js';
import { createLogger } from '../../src/log.js';
import { Keys } from '../../src/store/keys.js';
import { type SlackStandin, startSlackStandin } from '../../testkit/slack/index.js';
import { testConfig } from '../helpers/config.js';
import { waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
const cfg = testConfig().slack;
const PER_CHANNEL_MS = 1_250;
const WINDOW_MS = 61_000;
const log = createLogger('silent');
const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: 'with blocks' } }];

interface Harness {
  standin: SlackStandin;
  outbox: SlackOutbox;
  budget: SlackBudget;
  now(): number;
  advance(ms: number): void;
  /** Runs the flusher until `done` holds, then stops it. */
  flushUntil(done: () => boolean, what: string): Promise<void>;
  /** Calls the stand-in got, with its (fake) arrival time. */
  calls(
    method: string,
    channel?: string,
  ): Array<{ at: number; status: number; error?: string; blocks: boolean }>;
  /** Takes `n` calls of `key` from the budget now, as earlier traffic would have. */
  spend(key: CallKey, n: number): void;
}

let seq = 0;
const cleanups: Array<() => Promise<void>> = [];

async function harness(): Promise<Harness> {
  // Ahead of the real clock, so what the outbox schedules on Date.now() is already due.
  let t = Date.now() + 3_600_000;
  const now = () => t;
  const standin = await startSlackStandin({ now });
  const redis = new Redis(redisServer.url);
  const outbox = new SlackOutbox(redis, new Keys(`flush${++seq}`), 1_000);
  const budget = new SlackBudget(cfg, now);
  const flusher = new SlackFlusher({
    outbox,
    budget,
    log,
    now,
    transport: webTransport({ token: standin.identity.botToken, apiUrl: standin.apiUrl, log }),
    sleep: async (ms) => {
      t += ms;
    },
  });
  cleanups.push(async () => {
    await flusher.stop();
    redis.disconnect();
    await standin.close();
  });
  return {
    standin,
    outbox,
    budget,
    now,
    advance: (ms) => {
      t += ms;
    },
    async flushUntil(done, what) {
      flusher.start();
      try {
        await waitUntil(done, 10_000, what);
      } finally {
        await flusher.stop();
      }
    },
    calls: (method, channel) =>
      standin.calls
        .filter((c) => c.method === method && (channel === undefined || c.args.channel === channel))
        .map((c) => ({
          at: c.at,
          status: c.status,
          ...(c.error ? { error: c.error } : {}),
          blocks: c.args.blocks !== undefined,
        })),
    spend: (key, n) => {
      for (let i = 0; i < n; i++) budget.take(key);
    },
  };
}

beforeAll(() => {
  expect(Math.ceil(1000 / (cfg.limits.postPerChannelPerSecond * cfg.budget))).toBe(PER_CHANNEL_MS);
});

afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

const gaps = (at: number[]) => at.slice(1).map((x, i) => x - at[i]!);

describe('SlackFlusher scheduling', () => {
  it('posts in a channel go at least 1.25 s apart and in order; another channel does not wait', async () => {
    const h = await harness();
    for (let i = 0; i < 4; i++) {
      await h.outbox.send({ kind: 'post', channel: 'C1', payload: { text: `one-${i}` } });
      await h.outbox.send({ kind: 'post', channel: 'C2', payload: { text: `two-${i}` } });
    }
    await h.flushUntil(
      () => h.standin.history('C1').length === 4 && h.standin.history('C2').length === 4,
      'four posts in each channel',
    );
    const c1 = h.calls('chat.postMessage', 'C1').map((c) => c.at);
    const c2 = h.calls('chat.postMessage', 'C2').map((c) => c.at);
    expect(Math.min(...gaps(c1), ...gaps(c2))).toBeGreaterThanOrEqual(PER_CHANNEL_MS);
    expect(c2[0]).toBe(c1[0]);
    expect(h.standin.history('C1').map((m) => m.text)).toEqual(['one-0', 'one-1', 'one-2', 'one-3']);
    expect(h.standin.count429).toBe(0);
  });

  it('a 429 holds that call for Retry-After on the flusher’s clock; other methods go on; nothing is lost', async () => {
    const h = await harness();
    h.standin.inject('chat.postMessage', { status: 429, retryAfter: 7 });
    await h.outbox.send({ kind: 'post', channel: 'C3', payload: { text: 'after the 429' } });
    await h.outbox.send({ kind: 'ephemeral', channel: 'C3', user: 'U1', payload: { text: 'meanwhile' } });
    await h.flushUntil(() => h.standin.history('C3').length === 1, 'the post to land');
    const [limited, posted] = h.calls('chat.postMessage', 'C3');
    expect(limited!.status).toBe(429);
    expect(posted!.at - limited!.at).toBeGreaterThanOrEqual(7_000);
    const [ephemeral] = h.calls('chat.postEphemeral');
    expect(ephemeral!.at).toBeLessThan(posted!.at);
    expect(h.standin.history('C3')[0]!.text).toBe('after the 429');
  });

  it('an outcome is not held up by progress that has used its half of chat.update', async () => {
    const h = await harness();
    for (const [id, channel] of [
      ['job-a', 'C4'],
      ['job-b', 'C5'],
    ] as const)
      await h.outbox.openJob({ requestId: id, channel, user: 'U1', payload: { text: 'queued' } });
    await h.flushUntil(() => h.calls('chat.postMessage').length === 2, 'both messages posted');
    h.advance(5_000);
    const t0 = h.now();
    h.spend({ method: 'chat.update', progress: true }, 20);
    await h.outbox.updateJob({ requestId: 'job-a', payload: { text: 'a 50%' }, final: false, now: t0 });
    await h.outbox.updateJob({ requestId: 'job-b', payload: { text: 'b done' }, final: true, now: t0 });
    await h.flushUntil(() => h.calls('chat.update').length === 2, 'both updates');
    expect(h.calls('chat.update', 'C5').map((c) => c.at)).toEqual([t0]);
    expect(h.calls('chat.update', 'C4')[0]!.at).toBeGreaterThanOrEqual(t0 + WINDOW_MS);
    expect(h.standin.history('C5')[0]!.text).toBe('b done');
    expect(h.standin.history('C4')[0]!.text).toBe('a 50%');
  });
});

describe('SlackFlusher fallbacks go through the budget', () => {
  it('refused blocks: the text-only post is a call of its own, spaced like any post in the channel', async () => {
    const h = await harness();
    h.standin.inject('chat.postMessage', { error: 'invalid_blocks' });
    await h.outbox.send({ kind: 'post', channel: 'C6', payload: { text: 'as text', blocks } });
    await h.flushUntil(() => h.standin.history('C6').length === 1, 'the text-only post');
    const [refused, text] = h.calls('chat.postMessage', 'C6');
    expect(refused).toMatchObject({ error: 'invalid_blocks', blocks: true });
    expect(text).toMatchObject({ status: 200, blocks: false });
    expect(text!.at - refused!.at).toBeGreaterThanOrEqual(PER_CHANNEL_MS);
    expect(h.standin.history('C6')[0]!.text).toBe('as text');
  });

  it('refused blocks on an edit: the text-only edit waits for room in the chat.update share', async () => {
    const h = await harness();
    await h.outbox.openJob({ requestId: 'job-c', channel: 'C7', user: 'U1', payload: { text: 'queued' } });
    await h.flushUntil(() => h.standin.history('C7').length === 1, 'the message posted');
    h.advance(5_000);
    const t0 = h.now();
    // One slot of the 40 left: the edit with blocks takes it, so its text-only retry must wait.
    h.spend({ method: 'chat.update' }, 39);
    h.standin.inject('chat.update', { error: 'invalid_blocks' });
    await h.outbox.updateJob({
      requestId: 'job-c',
      payload: { text: 'c done', blocks },
      final: true,
      now: t0,
    });
    await h.flushUntil(() => h.standin.history('C7')[0]!.text === 'c done', 'the text-only edit');
    const [refused, text] = h.calls('chat.update', 'C7');
    expect(refused).toMatchObject({ at: t0, error: 'invalid_blocks', blocks: true });
    expect(text).toMatchObject({ status: 200, blocks: false });
    expect(text!.at).toBeGreaterThanOrEqual(t0 + WINDOW_MS);
  });

  it('a spent response_url: its ephemeral fallback waits for room in the chat.postEphemeral share', async () => {
    const h = await harness();
    const url = h.standin.issueResponseUrl('commands', { channel: 'C8', user: 'U1' });
    // Slack keeps a response_url for 30 minutes.
    h.advance(31 * 60_000);
    const t0 = h.now();
    h.spend({ method: 'chat.postEphemeral' }, 80);
    await h.outbox.send({
      kind: 'respond',
      url,
      payload: { text: 'your answer' },
      fallback: { channel: 'C8', user: 'U1' },
    });
    await h.flushUntil(() => h.calls('chat.postEphemeral').length === 1, 'the ephemeral fallback');
    expect(h.standin.responses.map((r) => [r.at, r.error])).toEqual([[t0, 'expired_url']]);
    const [ephemeral] = h.calls('chat.postEphemeral', 'C8');
    expect(ephemeral).toMatchObject({ status: 200 });
    expect(ephemeral!.at).toBeGreaterThanOrEqual(t0 + WINDOW_MS);
    expect(h.standin.ephemerals.map((e) => e.text)).toEqual(['your answer']);
  });
});
