/**
 * Writes what the outbox holds to Slack, within the budget: first posts, outcomes and replies to
 * people go ahead of progress; each job's message is posted once and then updated in place; a
 * 429 pauses the buckets of that call for Retry-After and the work waits (nothing is dropped);
 * errors Slack will keep giving (channel gone, bot not invited) end that message with a word to
 * the requester instead of retrying forever. Every Web API call goes through the budget: a step
 * (flush-steps.ts) is one call, and a text-only retry of refused blocks is a step of its own.
 */
import type { Logger } from '../../../log.js';
import type { SlackBudget } from './budget.js';
import { BAD_BLOCKS, FlushSteps, MAX_FAILURES, type Step } from './flush-steps.js';
import type { SlackOutbox } from './outbox.js';
import { SlackCallError, type SlackTransport } from './transport.js';

export interface FlusherOptions {
  outbox: SlackOutbox;
  transport: SlackTransport;
  budget: SlackBudget;
  log: Logger;
  now?: () => number;
  /** How the loop waits between passes when nothing wakes it (tests move a fake clock instead). */
  sleep?: (ms: number) => Promise<void>;
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
  private readonly steps: FlushSteps;

  constructor(private readonly o: FlusherOptions) {
    this.now = o.now ?? Date.now;
    this.steps = new FlushSteps({
      outbox: o.outbox,
      transport: o.transport,
      log: o.log,
      now: this.now,
      ...(o.onPosted ? { onPosted: o.onPosted } : {}),
    });
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
      const step = await this.steps.plan(member);
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
        this.steps.forget(member);
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
    if (this.o.sleep) return this.o.sleep(ms);
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
    if (e.kind === 'platform' && BAD_BLOCKS.has(e.error) && step.asText) {
      // It stays due: the next pass sends the text alone, when the budget has room for that call.
      this.o.log.error(
        { method: step.key.method, error: e.error },
        'slack refused our blocks; sending text only',
      );
      step.asText();
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
    this.steps.forget(member);
    if (member.startsWith('job:')) await this.o.outbox.markDead(member.slice(4));
    else await this.o.outbox.drop(member);
  }
}
