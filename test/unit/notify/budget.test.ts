/**
 * SlackBudget on a fake clock: every figure here is the budget's own arithmetic, so no test depends
 * on how fast the machine is. Greedy callers stand in for the flusher (call the moment waitMs is 0),
 * and the stand-in's RateLimiter, on the same clock, says whether Slack would have refused a call.
 */
import { describe, expect, it } from 'vitest';
import { type CallKey, SlackBudget } from '../../../src/chat/slack/notify/budget.js';
import { peakInWindow, RateLimiter } from '../../../testkit/slack/limits.js';
import { testConfig } from '../../helpers/config.js';

const cfg = testConfig().slack;
// Slack's published figures times the 0.8 share (config/default.yaml).
const PER_CHANNEL_MS = Math.ceil(1000 / (cfg.limits.postPerChannelPerSecond * cfg.budget));
const POSTS_PER_MINUTE = Math.floor(cfg.limits.postPerMinute * cfg.budget);
const TIER3_PER_MINUTE = Math.floor(cfg.limits.tier3PerMinute * cfg.budget);
const TIER4_PER_MINUTE = Math.floor(cfg.limits.tier4PerMinute * cfg.budget);

interface Call {
  at: number;
  key: CallKey;
}

function budget() {
  let now = 1_000_000;
  const b = new SlackBudget(cfg, () => now);
  return {
    b,
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/**
 * Calls each key as soon as the budget allows, for `durationMs` of fake time, stepping the clock to
 * the next moment any key may go, plus `jitterMs()` as a busy event loop would add.
 */
function greedy(
  t: ReturnType<typeof budget>,
  keys: CallKey[],
  durationMs: number,
  jitterMs = () => 0,
): Call[] {
  const calls: Call[] = [];
  const end = t.now() + durationMs;
  while (t.now() < end) {
    let next = Number.POSITIVE_INFINITY;
    for (const key of keys) {
      const w = t.b.waitMs(key);
      if (w > 0) {
        next = Math.min(next, w);
        continue;
      }
      t.b.take(key);
      calls.push({ at: t.now(), key });
    }
    t.advance((Number.isFinite(next) ? next : 1) + jitterMs());
  }
  return calls;
}

/** A fixed pseudo-random sequence, so a failure can be replayed. */
function jitter(seed: number, maxMs: number): () => number {
  let x = seed;
  return () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return x % (maxMs + 1);
  };
}

/** Calls Slack (as the stand-in enforces its published limits) would have answered 429. */
function refusedBySlack(calls: Call[]): number {
  const slack = new RateLimiter();
  return calls.filter((c) => !slack.take(c.key.method, c.key.channel, c.at).ok).length;
}

const timesOf = (calls: Call[], pick: (k: CallKey) => boolean) =>
  calls.filter((c) => pick(c.key)).map((c) => c.at);
/** The most calls in any 60 s window: what Slack counts against a per-minute limit. */
const peakPerMinute = (calls: Call[]) =>
  peakInWindow(
    timesOf(calls, () => true),
    60_000,
  );

describe('SlackBudget: chat.postMessage', () => {
  it('never lets two posts in one channel closer than the per-channel interval (1.25 s at 0.8)', () => {
    expect(PER_CHANNEL_MS).toBe(1_250);
    for (const seed of [1, 2, 3]) {
      const t = budget();
      const keys = ['C1', 'C2', 'C3'].map((channel) => ({ method: 'chat.postMessage', channel }));
      const calls = greedy(t, keys, 60_000, jitter(seed, 40));
      for (const { channel } of keys) {
        const at = timesOf(calls, (k) => k.channel === channel);
        // The control: the caller kept trying, so the spacing below is the budget's doing.
        expect(at.length).toBeGreaterThan(40);
        const gaps = at.slice(1).map((x, i) => x - at[i]!);
        expect(Math.min(...gaps)).toBeGreaterThanOrEqual(PER_CHANNEL_MS);
      }
      expect(refusedBySlack(calls)).toBe(0);
    }
  });

  it('spaces channels independently: a busy channel does not hold up another', () => {
    const { b, advance } = budget();
    b.take({ method: 'chat.postMessage', channel: 'C1' });
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(PER_CHANNEL_MS);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C2' })).toBe(0);
    advance(PER_CHANNEL_MS - 1);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(1);
    advance(1);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(0);
  });

  it('keeps posts across all channels to 80% of the published per-minute limit', () => {
    expect(POSTS_PER_MINUTE).toBe(240);
    const t = budget();
    // More channels than a minute allows posts, so the workspace share is what holds them back.
    const keys = Array.from({ length: 400 }, (_, i) => ({ method: 'chat.postMessage', channel: `C${i}` }));
    const calls = greedy(t, keys, 5 * 60_000);
    expect(peakPerMinute(calls)).toBe(POSTS_PER_MINUTE);
    expect(refusedBySlack(calls)).toBe(0);
  });
});

describe('SlackBudget: tiered methods', () => {
  it.each([
    ['chat.update', TIER3_PER_MINUTE, 40],
    ['chat.delete', TIER3_PER_MINUTE, 40],
    ['chat.postEphemeral', TIER4_PER_MINUTE, 80],
    ['views.publish', TIER4_PER_MINUTE, 80],
  ])('keeps %s to 80%% of its tier (%i a minute) over five minutes', (method, share, expected) => {
    expect(share).toBe(expected);
    const t = budget();
    const calls = greedy(t, [{ method }], 5 * 60_000, jitter(7, 200));
    expect(peakPerMinute(calls)).toBe(share);
    // The window slides: five minutes give about five shares, not one.
    expect(calls.length).toBeGreaterThanOrEqual(4 * share);
    expect(refusedBySlack(calls)).toBe(0);
  });

  it('frees a slot exactly when the oldest call leaves the window (61 s: our clock is not Slack’s)', () => {
    const { b, advance } = budget();
    for (let i = 0; i < TIER3_PER_MINUTE; i++) {
      expect(b.waitMs({ method: 'chat.update' })).toBe(0);
      b.take({ method: 'chat.update' });
      advance(100);
    }
    const wait = b.waitMs({ method: 'chat.update' });
    expect(wait).toBe(61_000 - TIER3_PER_MINUTE * 100);
    advance(wait - 1);
    expect(b.waitMs({ method: 'chat.update' })).toBe(1);
    advance(1);
    expect(b.waitMs({ method: 'chat.update' })).toBe(0);
  });

  it('does not budget response_url posts (they are not Web API calls)', () => {
    const { b } = budget();
    for (let i = 0; i < 1000; i++) b.take({ method: 'response_url' });
    expect(b.waitMs({ method: 'response_url' })).toBe(0);
  });
});

describe('SlackBudget: progress and outcomes', () => {
  const progress: CallKey = { method: 'chat.update', progress: true };
  const outcome: CallKey = { method: 'chat.update' };

  it('gives progress updates at most half of the chat.update share', () => {
    const t = budget();
    const calls = greedy(t, [progress], 5 * 60_000);
    expect(peakPerMinute(calls)).toBe(TIER3_PER_MINUTE / 2);
  });

  it('never starves outcomes: with progress saturating its half, each outcome goes at once', () => {
    const t = budget();
    const outcomeWaits: number[] = [];
    let progressHeldBack = 0;
    // Five minutes of 50 ms ticks: progress tries every tick, an outcome comes every 4 s.
    for (let tick = 0; tick < (5 * 60_000) / 50; tick++) {
      if (tick % 80 === 0) {
        const w = t.b.waitMs(outcome);
        outcomeWaits.push(w);
        if (w === 0) t.b.take(outcome);
      }
      if (t.b.waitMs(progress) === 0) t.b.take(progress);
      else progressHeldBack++;
      t.advance(50);
    }
    // The control: progress really was at its limit the whole time.
    expect(progressHeldBack).toBeGreaterThan(5_000);
    expect(outcomeWaits).toHaveLength(75);
    expect(outcomeWaits.every((w) => w === 0)).toBe(true);
  });

  it('progress cannot take the outcomes’ half even when outcomes are idle', () => {
    const { b } = budget();
    for (let i = 0; i < TIER3_PER_MINUTE / 2; i++) b.take(progress);
    expect(b.waitMs(progress)).toBeGreaterThan(0);
    for (let i = 0; i < TIER3_PER_MINUTE / 2; i++) {
      expect(b.waitMs(outcome)).toBe(0);
      b.take(outcome);
    }
    expect(b.waitMs(outcome)).toBeGreaterThan(0);
  });
});

describe('SlackBudget: 429', () => {
  it('pauses that call’s buckets for exactly Retry-After, and only those', () => {
    const { b, advance } = budget();
    b.pause({ method: 'chat.update' }, 3_000);
    expect(b.waitMs({ method: 'chat.update' })).toBe(3_000);
    expect(b.waitMs({ method: 'chat.update', progress: true })).toBe(3_000);
    expect(b.waitMs({ method: 'chat.postEphemeral' })).toBe(0);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(0);
    advance(2_999);
    expect(b.waitMs({ method: 'chat.update' })).toBe(1);
    advance(1);
    expect(b.waitMs({ method: 'chat.update' })).toBe(0);
  });

  it('a 429 on a post pauses the workspace post share, so every channel waits', () => {
    const { b, advance } = budget();
    b.pause({ method: 'chat.postMessage', channel: 'C1' }, 5_000);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C1' })).toBe(5_000);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C2' })).toBe(5_000);
    advance(5_000);
    expect(b.waitMs({ method: 'chat.postMessage', channel: 'C2' })).toBe(0);
  });

  it('a shorter Retry-After does not cut a longer pause short', () => {
    const { b } = budget();
    b.pause({ method: 'chat.update' }, 10_000);
    b.pause({ method: 'chat.update' }, 1_000);
    expect(b.waitMs({ method: 'chat.update' })).toBe(10_000);
  });
});
