/**
 * The notifier's own rate budget: a share of each Slack limit, kept per method (and per channel
 * for chat.postMessage) with sliding windows, so that normal load never meets a 429. When Slack
 * answers 429 anyway, the buckets of that call are paused for Retry-After.
 */
import type { Config } from '../../../config/schema.js';

interface Bucket {
  /** Calls allowed per window. */
  n: number;
  windowMs: number;
  /** Times of recent calls, oldest first. */
  calls: number[];
  pausedUntil: number;
}

/** A call the notifier wants to make; `channel` matters for chat.postMessage. */
export interface CallKey {
  method: string;
  channel?: string;
  /** A progress update: it may use only half the budget, so outcomes are never starved by it. */
  progress?: boolean;
}

/** Our clock and Slack's differ by the request's flight time: keep a margin on minute windows. */
const MINUTE = 61_000;

const TIER3 = new Set(['chat.update', 'chat.delete', 'reactions.add', 'conversations.info']);
const TIER4 = new Set(['chat.postEphemeral', 'views.open', 'views.push', 'views.update', 'views.publish']);

export class SlackBudget {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly cfg: Config['slack'],
    private readonly now: () => number = Date.now,
  ) {}

  /** How long until the call may go; 0 means now. */
  waitMs(key: CallKey): number {
    const now = this.now();
    let wait = 0;
    for (const b of this.bucketsFor(key)) {
      prune(b, now);
      wait = Math.max(wait, b.pausedUntil - now);
      if (b.calls.length >= b.n) wait = Math.max(wait, b.calls[0]! + b.windowMs - now);
    }
    return Math.max(0, wait);
  }

  /** Records a call that is about to go. */
  take(key: CallKey): void {
    const now = this.now();
    for (const b of this.bucketsFor(key)) b.calls.push(now);
  }

  /** Slack said 429: nothing under this call's buckets goes before `ms` from now. */
  pause(key: CallKey, ms: number): void {
    const until = this.now() + ms;
    for (const b of this.bucketsFor(key)) b.pausedUntil = Math.max(b.pausedUntil, until);
  }

  private bucketsFor(key: CallKey): Bucket[] {
    const { limits, budget } = this.cfg;
    if (key.method === 'chat.postMessage') {
      // One call per (1 / share) of Slack's per-channel interval, e.g. one per 1.25 s at 0.8.
      const perChannelMs = Math.ceil(1000 / (limits.postPerChannelPerSecond * budget));
      return [
        this.bucket(`post:${key.channel ?? ''}`, 1, perChannelMs),
        this.bucket('post', share(limits.postPerMinute, budget), MINUTE),
      ];
    }
    const perMinute = TIER3.has(key.method)
      ? limits.tier3PerMinute
      : TIER4.has(key.method)
        ? limits.tier4PerMinute
        : undefined;
    if (perMinute !== undefined) {
      const method = this.bucket(key.method, share(perMinute, budget), MINUTE);
      return key.progress
        ? [method, this.bucket(`${key.method}:progress`, share(perMinute, budget / 2), MINUTE)]
        : [method];
    }
    // response_url posts and methods with generous limits (auth.test) are not budgeted.
    return [];
  }

  private bucket(name: string, n: number, windowMs: number): Bucket {
    let b = this.buckets.get(name);
    if (!b) {
      b = { n, windowMs, calls: [], pausedUntil: 0 };
      this.buckets.set(name, b);
    }
    return b;
  }
}

function share(perMinute: number, budget: number): number {
  return Math.max(1, Math.floor(perMinute * budget));
}

function prune(b: Bucket, now: number): void {
  while (b.calls.length && b.calls[0]! <= now - b.windowMs) b.calls.shift();
}
