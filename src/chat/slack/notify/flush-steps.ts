/**
 * What the flusher calls for one piece of due work: each step is exactly one Slack call, so the
 * flusher can budget every call the notifier makes. When Slack refuses a message's blocks the step
 * does not call again at once: it marks the message, and the next pass sends its text only, through
 * the budget like any other call.
 */
import type { Logger } from '../../../log.js';
import type { CallKey } from './budget.js';
import type { JobMessage, OneShot, SlackOutbox, SlackPayload } from './outbox.js';
import { threadPayload, withBlocks } from './thread.js';
import { SlackCallError, type SlackTransport } from './transport.js';

/** One Slack call to make for one piece of due work. */
export interface Step {
  key: CallKey;
  exec(): Promise<void>;
  /** Slack refused this call's blocks: the member's next call goes as text. Absent when it had none. */
  asText?: () => void;
}

/** Errors after which posting in the channel will not work until a person acts. */
const DEAD_CHANNEL = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'restricted_action']);
/** Errors about the blocks: the message still goes, as text. */
export const BAD_BLOCKS = new Set([
  'invalid_blocks',
  'invalid_blocks_format',
  'msg_too_long',
  'too_many_blocks',
]);
/** Edits that fail this often are given up (the message was deleted and cannot be posted anew). */
export const MAX_FAILURES = 5;

export interface StepDeps {
  outbox: SlackOutbox;
  transport: SlackTransport;
  log: Logger;
  now: () => number;
  onPosted?(requestId: string, channel: string, ts: string): Promise<void>;
}

export class FlushSteps {
  /** Members whose blocks Slack refused, with the version refused (0 for one-shots). */
  private readonly textOnly = new Map<string, number>();

  constructor(private readonly d: StepDeps) {}

  /** The step for a due member; undefined when there is nothing to do (it is dropped). */
  async plan(member: string): Promise<Step | undefined> {
    const id = member.slice(member.indexOf(':') + 1);
    if (member.startsWith('item:')) {
      const item = await this.d.outbox.getItem(id);
      if (item) return this.itemStep(member, item);
    } else {
      const m = await this.d.outbox.getJob(id);
      const step = m && !m.dead ? this.jobStep(member, m) : undefined;
      if (step) return step;
    }
    this.forget(member);
    await this.d.outbox.drop(member);
    return undefined;
  }

  /** The member was written or given up: a later version may try its blocks again. */
  forget(member: string): void {
    this.textOnly.delete(member);
  }

  /** The payload to send now, and how to fall back to text if Slack refuses its blocks. */
  private shown(member: string, version: number, payload: SlackPayload): [SlackPayload, Step['asText']] {
    if (!payload.blocks) return [payload, undefined];
    if (this.textOnly.get(member) === version) return [{ text: payload.text }, undefined];
    return [payload, () => this.textOnly.set(member, version)];
  }

  private itemStep(member: string, item: OneShot): Step {
    const done = () => this.d.outbox.drop(member);
    if (item.kind === 'respond') {
      return {
        // A response_url is not a Web API method: the budget lets it through.
        key: { method: 'response_url' },
        exec: async () => {
          try {
            await this.d.transport.respond(item.url, {
              ...withBlocks(item.payload),
              response_type: 'ephemeral',
              ...(item.replaceOriginal ? { replace_original: true } : {}),
            });
          } catch (err) {
            // A spent response_url: say it as an ephemeral message, a one-shot of its own that the
            // budget schedules like any other chat.postEphemeral.
            if (!(err instanceof SlackCallError && err.kind === 'platform' && item.fallback)) throw err;
            await this.d.outbox.send({ kind: 'ephemeral', ...item.fallback, payload: item.payload });
          }
          await done();
        },
      };
    }
    const [payload, asText] = this.shown(member, 0, item.payload);
    if (item.kind === 'ephemeral') {
      return {
        key: { method: 'chat.postEphemeral' },
        asText,
        exec: async () => {
          const args = { channel: item.channel, user: item.user, ...withBlocks(payload) };
          await this.d.transport.call('chat.postEphemeral', args);
          await done();
        },
      };
    }
    return {
      key: { method: 'chat.postMessage', channel: item.channel },
      asText,
      exec: async () => {
        let threadTs = item.threadTs;
        if (item.threadOf) {
          const parent = await this.d.outbox.getJob(item.threadOf);
          // The parent message is not posted yet: try again shortly.
          if (parent && !parent.ts && !parent.dead)
            throw new SlackCallError('transient', 'parent not posted yet');
          threadTs = parent?.ts;
        }
        await this.post(item.channel, payload, threadTs);
        await done();
      },
    };
  }

  private jobStep(member: string, m: JobMessage): Step | undefined {
    const channel = m.channel;
    if (!channel || !m.payload) return undefined;
    const version = m.version;
    const [payload, asText] = this.shown(member, version, m.payload);
    if (!m.ts) {
      return {
        key: { method: 'chat.postMessage', channel },
        asText,
        exec: async () => {
          try {
            const ts = await this.post(channel, payload);
            await this.d.outbox.written(m.requestId, version, ts, this.d.now());
            await this.d
              .onPosted?.(m.requestId, channel, ts)
              .catch((err: unknown) =>
                this.d.log.error({ err }, 'could not record the message in the audit trail'),
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
        asText,
        exec: async () => {
          try {
            await this.d.transport.call('chat.update', { channel, ts, ...withBlocks(payload) });
          } catch (err) {
            if (!(err instanceof SlackCallError && err.kind === 'platform')) throw err;
            if (DEAD_CHANNEL.has(err.error)) return this.deadChannel(m, err.error);
            // Refused blocks: the flusher sends the text next, through the budget.
            if (asText && BAD_BLOCKS.has(err.error)) throw err;
            // Deleted or no longer editable: the next pass posts the current state anew.
            if (m.failures < MAX_FAILURES) {
              await this.d.outbox.failed(m.requestId);
              return this.d.outbox.forgetTs(m.requestId);
            }
            throw err;
          }
          await this.d.outbox.written(m.requestId, version, undefined, this.d.now());
        },
      };
    }
    if (m.final && !m.threadPosted && m.log.length) {
      return {
        key: { method: 'chat.postMessage', channel },
        exec: async () => {
          await this.post(channel, threadPayload(m), ts);
          await this.d.outbox.threadPosted(m.requestId);
        },
      };
    }
    return undefined;
  }

  private async post(channel: string, payload: SlackPayload, threadTs?: string): Promise<string> {
    const res = await this.d.transport.call('chat.postMessage', {
      channel,
      unfurl_links: false,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      ...withBlocks(payload),
    });
    return String((res as { ts?: string }).ts);
  }

  /** The job's channel cannot take messages: tell the requester once, through their response_url. */
  private async deadChannel(m: JobMessage, error: string): Promise<void> {
    this.d.log.warn({ requestId: m.requestId, channel: m.channel, error }, 'cannot post in channel');
    await this.d.outbox.markDead(m.requestId);
    if (!m.responseUrl) return;
    const why =
      error === 'not_in_channel' || error === 'channel_not_found'
        ? 'I am not in this channel: invite me with `/invite @vpsops` (private channels and DMs need that too).'
        : `Slack said ${error}.`;
    const text = `I could not post the progress of job \`${m.requestId}\` here. ${why} The job goes on; \`/vps jobs\` shows it.`;
    await this.d.outbox.send({ kind: 'respond', url: m.responseUrl, payload: { text } });
  }
}
