/**
 * Slack's Web API refusals: rate limits as the stand-in enforces them (contract section f) — a
 * sliding 60 s window per method per workspace for the tiered methods, and for chat.postMessage a
 * token bucket per channel plus a workspace-wide window — and faults a test injects.
 */

/** Calls per window for the tiered methods; `null` means unlimited. */
export const DEFAULT_PER_MINUTE: Readonly<Record<string, number | null>> = {
  'auth.test': null,
  'apps.connections.open': 1,
  'chat.update': 50,
  'chat.delete': 50,
  'reactions.add': 50,
  'conversations.info': 50,
  'chat.postEphemeral': 100,
  'views.open': 100,
  'views.push': 100,
  'views.update': 100,
  'views.publish': 100,
  'users.info': 100,
  'files.getUploadURLExternal': 100,
  'files.completeUploadExternal': 100,
};

/** How the stand-in limits calls. Every field is optional; the defaults follow Slack's tiers. */
export interface LimitOptions {
  /** Length of the sliding window, default 60 000 ms. */
  windowMs?: number;
  /** Per-method overrides of {@link DEFAULT_PER_MINUTE}; `null` lifts the limit for that method. */
  perWindow?: Record<string, number | null>;
  /** chat.postMessage: refill rate per channel (default 1/s), bucket size (default 3), workspace cap (default 300). */
  postMessage?: { perSecond?: number; burst?: number; workspacePerWindow?: number };
  /** Limit apps.connections.open (Tier 1). Off by default because Socket Mode clients reconnect. */
  limitConnectionsOpen?: boolean;
}

/** The verdict for one call: allowed, or refused with the Retry-After to send. */
export type LimitVerdict = { ok: true } | { ok: false; retryAfterSec: number };

interface Bucket {
  tokens: number;
  last: number;
}

/** Sliding-window and token-bucket bookkeeping; only accepted calls count against a limit. */
export class RateLimiter {
  private readonly windowMs: number;
  private readonly perWindow: Record<string, number | null>;
  private readonly perSecond: number;
  private readonly burst: number;
  private readonly workspacePerWindow: number;
  private readonly windows = new Map<string, number[]>();
  private readonly buckets = new Map<string, Bucket>();

  constructor(opts: LimitOptions = {}) {
    this.windowMs = opts.windowMs ?? 60_000;
    this.perWindow = { ...DEFAULT_PER_MINUTE, ...opts.perWindow };
    if (!opts.limitConnectionsOpen && !opts.perWindow?.['apps.connections.open']) {
      this.perWindow['apps.connections.open'] = null;
    }
    this.perSecond = opts.postMessage?.perSecond ?? 1;
    this.burst = opts.postMessage?.burst ?? 3;
    this.workspacePerWindow = opts.postMessage?.workspacePerWindow ?? 300;
    if (this.windowMs <= 0 || this.perSecond <= 0 || this.burst < 1) {
      throw new Error('RateLimiter: windowMs and postMessage.perSecond must be > 0, postMessage.burst >= 1');
    }
  }

  /** Decides a call made at `now` and, when it is allowed, counts it. */
  take(method: string, channel: string | undefined, now: number): LimitVerdict {
    if (method === 'chat.postMessage') return this.takePost(channel ?? '', now);
    const limit = this.perWindow[method];
    if (limit === null || limit === undefined) return { ok: true };
    const wait = this.windowWait(method, limit, now);
    if (wait > 0) return { ok: false, retryAfterSec: toSeconds(wait) };
    this.windowPush(method, now);
    return { ok: true };
  }

  private takePost(channel: string, now: number): LimitVerdict {
    const workspaceWait = this.windowWait('chat.postMessage', this.workspacePerWindow, now);
    const bucket = this.refill(channel, now);
    const bucketWait = bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) / this.perSecond) * 1000;
    const wait = Math.max(workspaceWait, bucketWait);
    if (wait > 0) return { ok: false, retryAfterSec: toSeconds(wait) };
    bucket.tokens -= 1;
    this.windowPush('chat.postMessage', now);
    return { ok: true };
  }

  private refill(channel: string, now: number): Bucket {
    let bucket = this.buckets.get(channel);
    if (!bucket) {
      bucket = { tokens: this.burst, last: now };
      this.buckets.set(channel, bucket);
    }
    const elapsed = Math.max(0, now - bucket.last);
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsed / 1000) * this.perSecond);
    bucket.last = now;
    return bucket;
  }

  /** Milliseconds until one more call fits in the window (0 when it fits now). */
  private windowWait(key: string, limit: number, now: number): number {
    const stamps = this.windows.get(key) ?? [];
    const from = now - this.windowMs;
    while (stamps.length > 0 && (stamps[0] ?? 0) <= from) stamps.shift();
    this.windows.set(key, stamps);
    if (stamps.length < limit) return 0;
    if (limit <= 0) return this.windowMs;
    // The window frees when the call that made it full slides out of it.
    const blocking = stamps[stamps.length - limit] ?? now;
    return blocking + this.windowMs - now;
  }

  private windowPush(key: string, now: number): void {
    const stamps = this.windows.get(key) ?? [];
    stamps.push(now);
    this.windows.set(key, stamps);
  }
}

// Slack sends whole seconds; round up so a client that waits exactly that long gets through.
function toSeconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/**
 * Maximum number of `stamps` (sorted or not) that fall in any window of `windowMs`, i.e. the
 * peak rate a caller reached.
 */
export function peakInWindow(stamps: readonly number[], windowMs: number): number {
  const sorted = [...stamps].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end++) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** A fault the next calls of a method get instead of their real answer. */
export type Fault = { status: 429; retryAfter: number } | { status: 500 } | { error: string };

/** Injected faults: queued per method, plus 429 storms that last until a deadline. */
export class FaultPlan {
  private readonly queued = new Map<string, Fault[]>();
  private readonly storms: Array<{ method: string; until: number; retryAfter: number }> = [];

  /** The next `times` calls of `method` get `fault`. */
  inject(method: string, fault: Fault, times: number): void {
    const queue = this.queued.get(method) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.queued.set(method, queue);
  }

  /** Calls of `method` before `until` get 429 with `retryAfter`. */
  storm(method: string, until: number, retryAfter: number): void {
    this.storms.push({ method, until, retryAfter });
  }

  /** The fault for a call of `method` at `now`, if any (a storm wins over queued faults). */
  take(method: string, now: number): Fault | undefined {
    const storm = this.storms.find((s) => s.method === method && now < s.until);
    if (storm) return { status: 429, retryAfter: storm.retryAfter };
    return this.queued.get(method)?.shift();
  }
}
