/**
 * The host queues from the bot's side: enqueue a signed request, find a job by id, cancel it,
 * and list recent jobs for `/vps jobs`.
 */
import { type Job, type JobType, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config/schema.js';
import { OpError } from '../model/errors.js';
import { decodeFailure } from '../model/failure.js';
import type { SignedJob } from '../model/request.js';
import type { JobRow, JobState } from '../model/view.js';
import type { OperationDef } from '../ops/operation.js';
import { hostQueueName, type Keys } from './keys.js';
import type { NotifyPublisher } from './notify.js';

export type { JobState } from '../model/view.js';

export interface FoundJob {
  host: string;
  job: Job<SignedJob>;
  state: JobState;
}

export class JobStore {
  private readonly queues = new Map<string, Queue<SignedJob>>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    private readonly config: Config,
    private readonly notify: NotifyPublisher,
  ) {}

  /** The queue of one host, created on first use and kept. */
  queue(host: string): Queue<SignedJob> {
    let q = this.queues.get(host);
    if (!q) {
      q = new Queue<SignedJob>(hostQueueName(host), { connection: this.redis, prefix: this.keys.prefix });
      this.queues.set(host, q);
    }
    return q;
  }

  /** Adds the job under its request id; a repeat of the same id is a no-op. */
  async enqueue(signed: SignedJob, op: OperationDef): Promise<void> {
    const { request } = signed;
    const q = this.queue(request.host);
    const { keepCompleted, keepFailed, attempts, backoff } = this.config.jobs;
    await q.add(request.op, signed, {
      jobId: request.id,
      attempts: op.retryable ? attempts : 1,
      backoff: { type: 'exponential', delay: backoff },
      removeOnComplete: { count: keepCompleted.count, age: Math.round(keepCompleted.age / 1000) },
      removeOnFail: { count: keepFailed.count, age: Math.round(keepFailed.age / 1000) },
    });
  }

  /**
   * Claims the one retry of a failed job for `newId`; returns the id that holds it (another one
   * when someone clicked Retry first), so a double click cannot run a request twice.
   */
  async claimRetry(id: string, newId: string): Promise<string> {
    const key = this.keys.retried(id);
    const set = await this.redis.set(key, newId, 'EX', 30 * 24 * 3600, 'NX');
    return set === 'OK' ? newId : ((await this.redis.get(key)) ?? newId);
  }

  /** A waiting job's place in its host's line (1 = next), undefined once it left the line. */
  async position(host: string, id: string): Promise<number | undefined> {
    const key = this.keys.hostQueueWait(host);
    // BullMQ pushes new jobs on the left and takes from the right; a BullMQ internal, pinned in
    // test/integration/bullmq-internals.test.ts.
    const [[, idx], [, len]] = (await this.redis.multi().lpos(key, id).llen(key).exec()) as [
      [unknown, number | null],
      [unknown, number],
    ];
    return idx === null ? undefined : len - idx;
  }

  /** Looks the id up on every configured host's queue at once. */
  async find(id: string): Promise<FoundJob | undefined> {
    const hosts = Object.keys(this.config.hosts);
    const found = await Promise.all(hosts.map((h) => this.queue(h).getJob(id)));
    const i = found.findIndex((j) => j !== undefined);
    if (i < 0) return undefined;
    const job = found[i]!;
    return { host: hosts[i]!, job, state: (await job.getState()) as JobState };
  }

  /**
   * Cancels a queued job at once, or asks the host's worker to abort a running one (its driver
   * call gets an AbortSignal). Throws JOB_NOT_FOUND or BAD_INPUT when there is nothing to cancel.
   */
  async cancel(id: string, by: string): Promise<{ state: JobState; host: string }> {
    const found = await this.find(id);
    if (!found)
      throw new OpError('JOB_NOT_FOUND', `No job with id ${id}.`, { hint: 'See /vps jobs for recent jobs.' });
    const { job, state, host } = found;
    if (state === 'completed' || state === 'failed') {
      throw new OpError(
        'BAD_INPUT',
        `Job ${id} already ${state === 'completed' ? 'finished' : 'failed'}; nothing to cancel.`,
      );
    }
    const abortRunning = async () => {
      await this.redis.publish(this.keys.cancelChannel(host), JSON.stringify({ id, by }));
      return { state: 'active' as JobState, host };
    };
    if (state === 'active') return abortRunning();
    try {
      await job.remove();
    } catch {
      // It started between the look-up and the removal: abort it where it runs.
      return abortRunning();
    }
    const r = job.data.request;
    await this.notify.publish({
      kind: 'job',
      requestId: id,
      host,
      op: r.op,
      target: r.target,
      user: r.user,
      origin: r.origin,
      phase: 'cancelled',
      step: `cancelled by ${by} before it started`,
      at: Date.now(),
      ...(r.channel ? { channel: r.channel } : {}),
    });
    return { state, host };
  }

  /** The newest jobs across hosts (or one host), newest first. */
  async recent(opts: { hosts: string[]; limit: number; states?: JobState[] }): Promise<FoundJob[]> {
    const states = opts.states ?? ['active', 'waiting', 'delayed', 'completed', 'failed'];
    const perHost = await Promise.all(
      opts.hosts.map(async (host) => {
        const q = this.queue(host);
        const lists = await Promise.all(
          states.map((s) =>
            q
              .getJobs([s as JobType], 0, opts.limit - 1)
              .then((js) => js.map((job) => ({ host, job, state: s }))),
          ),
        );
        return lists.flat();
      }),
    );
    return perHost
      .flat()
      .filter((f) => f.job)
      .sort((a, b) => b.job.timestamp - a.job.timestamp)
      .slice(0, opts.limit);
  }

  /** The newest jobs as plain rows (what `/vps jobs` shows), newest first. */
  async rows(opts: { hosts: string[]; limit: number; states?: JobState[] }): Promise<JobRow[]> {
    return (await this.recent(opts)).map(({ job, state, host }) => {
      const r = job.data.request;
      const reason =
        state === 'failed' && job.failedReason ? decodeFailure(job.failedReason).message : undefined;
      return {
        id: String(job.id),
        op: r.op,
        target: r.target.guestName ?? r.target.word ?? '',
        host,
        user: r.user,
        state,
        createdAt: job.timestamp,
        ...(reason ? { reason } : {}),
      };
    });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
