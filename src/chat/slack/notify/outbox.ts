/**
 * What the bot still has to say in Slack, kept in Redis so that nothing is lost when a bot
 * restarts and any replica can take over: the message of each job (its channel, ts, latest
 * payload and versions) and one-off messages (ephemeral replies, response_url answers). Work is
 * due in two sorted sets by time; `hi` (first posts, outcomes, replies to people) goes first.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Keys } from '../../../store/keys.js';
import { jobMessageWritten, updateJobMessage } from '../../../store/outbox.js';
import type { Block } from '../../view/blocks.js';

/** Text (fallback and notifications) and blocks of a Slack message. */
export interface SlackPayload {
  text: string;
  blocks?: Block[];
}

/** A message to send once. */
export type OneShot =
  | {
      kind: 'post';
      channel: string;
      payload: SlackPayload;
      threadTs?: string;
      /** Post in the thread of this message of ours (a job's or an alert's), once it has a ts. */
      threadOf?: string;
    }
  | { kind: 'ephemeral'; channel: string; user: string; payload: SlackPayload }
  | {
      kind: 'respond';
      url: string;
      payload: SlackPayload;
      replaceOriginal?: boolean;
      /** Where to post it instead when the response_url is spent. */
      fallback?: { channel: string; user: string };
    };

export interface JobMessage {
  requestId: string;
  channel?: string;
  user?: string;
  responseUrl?: string;
  ts?: string;
  payload?: SlackPayload;
  version: number;
  flushed: number;
  lastWriteAt: number;
  final: boolean;
  threadPosted: boolean;
  dead: boolean;
  failures: number;
  log: string[];
}

/** A record lives this long after its last change: enough for late notices and retries. */
const TTL_MS = 2 * 24 * 3600_000;
const ONE_SHOT_TTL_MS = 3600_000;

export class SlackOutbox {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly updateIntervalMs: number,
  ) {}

  /** The listener's first word on a job: where its message goes and what it says while queued. */
  async openJob(m: {
    requestId: string;
    channel: string;
    user: string;
    responseUrl?: string;
    payload: SlackPayload;
  }): Promise<void> {
    const key = this.keys.slackMessage(m.requestId);
    const tx = this.redis
      .multi()
      .hsetnx(key, 'channel', m.channel)
      .hsetnx(key, 'user', m.user)
      // A worker faster than this write has already set a newer state: keep it.
      .hsetnx(key, 'payload', JSON.stringify(m.payload))
      .hsetnx(key, 'version', '1');
    if (m.responseUrl) tx.hsetnx(key, 'responseUrl', m.responseUrl);
    await tx
      .pexpire(key, TTL_MS)
      .zadd(this.keys.slackDue('hi'), 'NX', Date.now(), `job:${m.requestId}`)
      .publish(this.keys.slackWake, '1')
      .exec();
  }

  /** A new state of a job's message (from the notifier); returns its version, 0 if the message is dead. */
  async updateJob(m: {
    requestId: string;
    payload: SlackPayload;
    final: boolean;
    channel?: string;
    user?: string;
    logLine?: string;
    now?: number;
  }): Promise<number> {
    return updateJobMessage(this.redis, this.keys, {
      requestId: m.requestId,
      payload: JSON.stringify(m.payload),
      final: m.final,
      now: m.now ?? Date.now(),
      intervalMs: this.updateIntervalMs,
      ttlMs: TTL_MS,
      channel: m.channel,
      user: m.user,
      logLine: m.logLine,
    });
  }

  async getJob(requestId: string): Promise<JobMessage | undefined> {
    const key = this.keys.slackMessage(requestId);
    const [[, h], [, log]] = (await this.redis
      .multi()
      .hgetall(key)
      .lrange(this.keys.slackLog(requestId), 0, -1)
      .exec()) as [[unknown, Record<string, string>], [unknown, string[]]];
    if (!h || Object.keys(h).length === 0) return undefined;
    const m: JobMessage = {
      requestId,
      version: Number(h.version ?? 0),
      flushed: Number(h.flushed ?? 0),
      lastWriteAt: Number(h.lastWriteAt ?? 0),
      final: h.final === '1',
      threadPosted: h.threadPosted === '1',
      dead: h.dead === '1',
      failures: Number(h.failures ?? 0),
      log,
    };
    if (h.channel) m.channel = h.channel;
    if (h.user) m.user = h.user;
    if (h.responseUrl) m.responseUrl = h.responseUrl;
    if (h.ts) m.ts = h.ts;
    if (h.payload) m.payload = JSON.parse(h.payload) as SlackPayload;
    return m;
  }

  /** Slack now shows `version` (posted as `ts` the first time). */
  async written(requestId: string, version: number, ts?: string, now = Date.now()): Promise<void> {
    await jobMessageWritten(this.redis, this.keys, {
      requestId,
      version,
      now,
      intervalMs: this.updateIntervalMs,
      ts,
    });
  }

  async threadPosted(requestId: string): Promise<void> {
    await this.redis
      .multi()
      .hset(this.keys.slackMessage(requestId), 'threadPosted', '1')
      .zrem(this.keys.slackDue('hi'), `job:${requestId}`)
      .zrem(this.keys.slackDue('lo'), `job:${requestId}`)
      .exec();
  }

  /** The message cannot be written (channel gone, bot not in it): stop trying. */
  async markDead(requestId: string): Promise<void> {
    await this.redis.hset(this.keys.slackMessage(requestId), 'dead', '1');
    await this.drop(`job:${requestId}`);
  }

  /** Forgets the posted message so the next write posts a new one (the old one was deleted). */
  async forgetTs(requestId: string): Promise<void> {
    await this.redis.hdel(this.keys.slackMessage(requestId), 'ts', 'flushed');
  }

  /** Counts a failed attempt; returns how many there were. */
  async failed(requestId: string): Promise<number> {
    return this.redis.hincrby(this.keys.slackMessage(requestId), 'failures', 1);
  }

  /** Queues a message to send once. */
  async send(item: OneShot, priority: 'hi' | 'lo' = 'hi'): Promise<string> {
    const id = randomBytes(8).toString('hex');
    await this.redis
      .multi()
      .set(this.keys.slackItem(id), JSON.stringify(item), 'PX', ONE_SHOT_TTL_MS)
      .zadd(this.keys.slackDue(priority), Date.now(), `item:${id}`)
      .publish(this.keys.slackWake, '1')
      .exec();
    return id;
  }

  async getItem(id: string): Promise<OneShot | undefined> {
    const raw = await this.redis.get(this.keys.slackItem(id));
    return raw ? (JSON.parse(raw) as OneShot) : undefined;
  }

  /** Members (`job:<id>` / `item:<id>`) due by `now`, `hi` first. */
  async due(now: number, limit: number): Promise<string[]> {
    const [hi, lo] = await Promise.all([
      this.redis.zrangebyscore(this.keys.slackDue('hi'), '-inf', now, 'LIMIT', 0, limit),
      this.redis.zrangebyscore(this.keys.slackDue('lo'), '-inf', now, 'LIMIT', 0, limit),
    ]);
    return [...hi, ...lo];
  }

  /** Epoch ms of the earliest work not yet due, if any. */
  async nextDueAt(): Promise<number | undefined> {
    const [hi, lo] = await Promise.all([
      this.redis.zrange(this.keys.slackDue('hi'), '0', '0', 'WITHSCORES'),
      this.redis.zrange(this.keys.slackDue('lo'), '0', '0', 'WITHSCORES'),
    ]);
    const scores = [hi[1], lo[1]].filter((s): s is string => s !== undefined).map(Number);
    return scores.length ? Math.min(...scores) : undefined;
  }

  /** Tries `member` again at `at` (after a failure or a 429), keeping its priority. */
  async retryAt(member: string, at: number): Promise<void> {
    await Promise.all([
      this.redis.zadd(this.keys.slackDue('hi'), 'XX', String(at), member),
      this.redis.zadd(this.keys.slackDue('lo'), 'XX', String(at), member),
    ]);
  }

  /** Removes a member from the due sets (and a one-shot's body). */
  async drop(member: string): Promise<void> {
    const tx = this.redis
      .multi()
      .zrem(this.keys.slackDue('hi'), member)
      .zrem(this.keys.slackDue('lo'), member);
    if (member.startsWith('item:')) tx.del(this.keys.slackItem(member.slice(5)));
    await tx.exec();
  }

  /** How much work is waiting (for tests, doctor and the bench). */
  async pending(): Promise<number> {
    const [hi, lo] = await Promise.all([
      this.redis.zcard(this.keys.slackDue('hi')),
      this.redis.zcard(this.keys.slackDue('lo')),
    ]);
    return hi + lo;
  }
}
