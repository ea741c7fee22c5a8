/**
 * Writes what the outbox holds to Slack, within the budget: first posts, outcomes and replies to
 * people go ahead of progress; each job's message is posted once and then updated in place; a
 * 429 pauses the buckets of that call for Retry-After and the work waits (nothing is dropped);
 * errors Slack will keep giving (channel gone, bot not invited) end that message with a word to
 * the requester instead of retrying forever.
 */
import type { Logger } from '../log.js';
import type { CallKey, SlackBudget } from './budget.js';
import type { JobMessage, OneShot, SlackOutbox, SlackPayload } from './outbox.js';
import { SlackCallError, type SlackTransport } from './slack-transport.js';
import { threadPayload, withBlocks } from './thread.js';

/** A call to make for one piece of due work. */
interface Step {
  key: CallKey;
  exec(): Promise<void>;
}

/** Errors after which posting in the channel will not work until a person acts. */
const DEAD_CHANNEL = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action']);
/** Errors about the blocks: the message still goes, as text. */
const BAD_BLOCKS = new Set(['invalid_blocks', 'invalid_blocks_format', 'msg_too_long', 'too_many_blocks']);
const MAX_FAILURES = 5;

export interface FlusherOptions {
  outbox: SlackOutbox;
  transport: SlackTransport;
  budget: SlackBudget;
  log: Logger;
  now?: () => number;
  /** A job's message was posted for the first time (for the audit trail's permalink). */
  onPosted?(requestId: string, channel: string, ts: string): Promise<void>;
}

export class SlackFlusher {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;
  private readonly now: () => number;
  private readonly itemFailures = new Map<string, number>();

  constructor(private readonly o: FlusherOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** New work may be due. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let waitMs = 1000;
      try {
        waitMs = await this.pass();
      } catch (err) {
        this.o.log.error({ err }, 'slack notifier pass failed');
      }
      if (waitMs > 0 && this.running) await this.idle(waitMs);
    }
  }

  /** Makes at most one call; returns how long to wait before the next pass (0: go on at once). */
  private async pass(): Promise<number> {
    const now = this.now();
    let wait = 1000;
    for (const member of await this.o.outbox.due(now, 50)) {
      const step = await this.plan(member);
      if (!step) return 0;
      const w = this.o.budget.waitMs(step.key);
      if (w > 0) {
        wait = Math.min(wait, w);
        continue;
      }
      this.o.budget.take(step.key);
      try {
        await step.exec();
        this.itemFailures.delete(member);
      } catch (err) {
        await this.failed(member, step, err);
      }
      // Start over from the top, so a reply to a person that just arrived goes next.
      return 0;
    }
    const next = await this.o.outbox.nextDueAt();
    if (next !== undefined && next > now) wait = Math.min(wait, next - now);
    return Math.max(wait, 5);
  }

  private idle(ms: number): Promise<void> {
    // A wake that came during the pass must not be slept through.
    if (this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wakeUp = undefined;
        this.woken = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }

  private async failed(member: string, step: Step, err: unknown): Promise<void> {
    const e = err instanceof SlackCallError ? err : new SlackCallError('transient', String(err));
    const now = this.now();
    if (e.kind === 'ratelimited') {
      this.o.log.warn(
        { method: step.key.method, retryAfterMs: e.retryAfterMs },
        'slack rate limited; waiting',
      );
      this.o.budget.pause(step.key, e.retryAfterMs);
      await this.o.outbox.retryAt(member, now + e.retryAfterMs);
      return;
    }
    const n = member.startsWith('job:')
      ? await this.o.outbox.failed(member.slice(4))
      : (this.itemFailures.get(member) ?? 0) + 1;
    if (member.startsWith('item:')) this.itemFailures.set(member, n);
    if (e.kind === 'transient' && n < MAX_FAILURES * 4) {
      this.o.log.warn(
        { method: step.key.method, error: e.error, attempt: n },
        'slack call failed; will retry',
      );
      await this.o.outbox.retryAt(member, now + Math.min(60_000, 500 * 2 ** n));
      return;
    }
    this.o.log.error({ method: step.key.method, error: e.error, member }, 'slack refused; giving up on it');
    this.itemFailures.delete(member);
    if (member.startsWith('job:')) await this.o.outbox.markDead(member.slice(4));
    else await this.o.outbox.drop(member);
  }

  private async plan(member: string): Promise<Step | undefined> {
    const id = member.slice(member.indexOf(':') + 1);
    if (member.startsWith('item:')) {
      const item = await this.o.outbox.getItem(id);
      if (item) return this.itemStep(member, item);
    } else {
      const m = await this.o.outbox.getJob(id);
      const step = m && !m.dead ? this.jobStep(m) : undefined;
      if (step) return step;
    }
    await this.o.outbox.drop(member);
    return undefined;
  }

  private itemStep(member: string, item: OneShot): Step {
    const done = () => this.o.outbox.drop(member);
    switch (item.kind) {
      case 'post':
        return {
          key: { method: 'chat.postMessage', channel: item.channel },
          exec: async () => {
            let threadTs = item.threadTs;
            if (item.threadOf) {
              const parent = await this.o.outbox.getJob(item.threadOf);
              // The parent message is not posted yet: try again shortly.
              if (parent && !parent.ts && !parent.dead)
                throw new SlackCallError('transient', 'parent not posted yet');
              threadTs = parent?.ts;
            }
            await this.post(item.channel, item.payload, threadTs);
            await done();
          },
        };
      case 'ephemeral':
        return {
          key: { method: 'chat.postEphemeral' },
          exec: async () => {
            await this.o.transport.call('chat.postEphemeral', {
              channel: item.channel,
              user: item.user,
              ...withBlocks(item.payload),
            });
            await done();
          },
        };
      case 'respond':
        return {
          key: { method: 'response_url' },
          exec: async () => {
            try {
              await this.o.transport.respond(item.url, {
                ...withBlocks(item.payload),
                response_type: 'ephemeral',
                ...(item.replaceOriginal ? { replace_original: true } : {}),
              });
            } catch (err) {
              // A spent response_url: say it as an ephemeral message instead.
              if (!(err instanceof SlackCallError && err.kind === 'platform' && item.fallback)) throw err;
              await this.o.outbox.send({ kind: 'ephemeral', ...item.fallback, payload: item.payload });
            }
            await done();
          },
        };
    }
  }

  private jobStep(m: JobMessage): Step | undefined {
    const channel = m.channel;
    if (!channel || !m.payload) return undefined;
    const payload = m.payload;
    const version = m.version;
    if (!m.ts) {
      return {
        key: { method: 'chat.postMessage', channel },
        exec: async () => {
          try {
            const ts = await this.post(channel, payload);
            await this.o.outbox.written(m.requestId, version, ts, this.now());
            await this.o
              .onPosted?.(m.requestId, channel, ts)
              .catch((err: unknown) =>
                this.o.log.error({ err }, 'could not record the message in the audit trail'),
              );
          } catch (err) {
            if (!(err instanceof SlackCallError && err.kind === 'platform' && DEAD_CHANNEL.has(err.error)))
              throw err;
            await this.deadChannel(m, err.error);
          }
        },
      };
    }
    const ts = m.ts;
    if (version > m.flushed) {
      return {
        key: { method: 'chat.update', ...(m.final ? {} : { progress: true }) },
        exec: async () => {
          try {
            await this.update(channel, ts, payload);
          } catch (err) {
            if (!(err instanceof SlackCallError && err.kind === 'platform')) throw err;
            if (DEAD_CHANNEL.has(err.error)) return this.deadChannel(m, err.error);
            // Deleted or no longer editable: the next pass posts the current state anew.
            if (m.failures < MAX_FAILURES) {
              await this.o.outbox.failed(m.requestId);
              return this.o.outbox.forgetTs(m.requestId);
            }
            throw err;
          }
          await this.o.outbox.written(m.requestId, version, undefined, this.now());
        },
      };
    }
    if (m.final && !m.threadPosted && m.log.length) {
      return {
        key: { method: 'chat.postMessage', channel },
        exec: async () => {
          await this.post(channel, threadPayload(m), ts);
          await this.o.outbox.threadPosted(m.requestId);
        },
      };
    }
    return undefined;
  }

  /** Posts a message; blocks Slack will not take are sent again as text only. */
  private async post(channel: string, payload: SlackPayload, threadTs?: string): Promise<string> {
    const args = { channel, unfurl_links: false, ...(threadTs ? { thread_ts: threadTs } : {}) };
    const res = await this.withTextFallback(payload, (p) =>
      this.o.transport.call('chat.postMessage', { ...args, ...withBlocks(p) }),
    );
    return String((res as { ts?: string }).ts);
  }

  private async update(channel: string, ts: string, payload: SlackPayload): Promise<void> {
    await this.withTextFallback(payload, (p) =>
      this.o.transport.call('chat.update', { channel, ts, ...withBlocks(p) }),
    );
  }

  private async withTextFallback<T>(
    payload: SlackPayload,
    call: (p: SlackPayload) => Promise<T>,
  ): Promise<T> {
    try {
      return await call(payload);
    } catch (err) {
      if (
        !(
          err instanceof SlackCallError &&
          err.kind === 'platform' &&
          BAD_BLOCKS.has(err.error) &&
          payload.blocks
        )
      )
        throw err;
      this.o.log.error({ error: err.error }, 'slack refused our blocks; sending text only');
      return call({ text: payload.text });
    }
  }

  /** The job's channel cannot take messages: tell the requester once, through their response_url. */
  private async deadChannel(m: JobMessage, error: string): Promise<void> {
    this.o.log.warn({ requestId: m.requestId, channel: m.channel, error }, 'cannot post in channel');
    await this.o.outbox.markDead(m.requestId);
    if (!m.responseUrl) return;
    const why =
      error === 'not_in_channel' || error === 'channel_not_found'
        ? 'I am not in this channel: invite me with `/invite @vpsops` (private channels and DMs need that too).'
        : `Slack said ${error}.`;
    const text = `I could not post the progress of job \`${m.requestId}\` here. ${why} The job goes on; \`/vps jobs\` shows it.`;
    await this.o.outbox.send({ kind: 'respond', url: m.responseUrl, payload: { text } });
  }
}
