/**
 * For the worker's phase tests: real BullMQ jobs on the test file's own redis-server (one queue
 * and key prefix per kit), signed requests, the notices a phase publishes, and its log lines.
 */
import { randomBytes } from 'node:crypto';
import { type Job, type JobsOptions, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { catalogue } from '../../jobs/index.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { JobNotice, JobPhase, Notice } from '../../src/model/notice.js';
import { type JobRequest, newRequestId, type SignedJob } from '../../src/model/request.js';
import { sign } from '../../src/model/signing.js';
import type { OperationDef } from '../../src/ops/operation.js';
import { hostQueueName, Keys } from '../../src/store/keys.js';
import { type JobRun, type NoticeSink, startRun } from '../../src/worker/job-run.js';
import { TEST_JOB_KEY } from './config.js';

/** The host the phase tests' worker runs on. */
export const HOST = 'kvm-t';

/** A stop of web-1 (101) on HOST by alice, issued now; `over` changes any field. */
export function testRequest(over: Partial<JobRequest> = {}): JobRequest {
  return {
    v: 1,
    id: newRequestId(),
    op: 'stop',
    host: HOST,
    target: { kind: 'guest', host: HOST, guestId: '101', guestName: 'web-1' },
    args: { force: false, timeout: 60_000 },
    user: 'alice',
    origin: 'test',
    issuedAt: Date.now(),
    ...over,
  };
}

/** A real queue with its own names in Redis, and a plain connection to read what phases wrote. */
export class PhaseKit {
  readonly keys = new Keys(`t${randomBytes(4).toString('hex')}`);
  readonly redis: Redis;
  readonly queue: Queue<SignedJob>;

  constructor(readonly url: string) {
    this.redis = new Redis(url, { maxRetriesPerRequest: null });
    this.queue = new Queue<SignedJob>(hostQueueName(HOST), {
      connection: this.redis,
      prefix: this.keys.prefix,
    });
  }

  /** Queues `data` as it is (signed or not) under `jobId`, and returns BullMQ's job. */
  async add(data: unknown, jobId: string, opts: JobsOptions = {}): Promise<Job<SignedJob>> {
    return this.queue.add('job', data as SignedJob, { ...opts, jobId });
  }

  /** Signs the request with the test job key and queues it under its own id. */
  async signed(r: JobRequest, opts: JobsOptions = {}): Promise<Job<SignedJob>> {
    return this.add(sign(r, TEST_JOB_KEY), r.id, opts);
  }

  async close(): Promise<void> {
    await this.queue.close();
    await this.redis.quit();
  }
}

/** Notices as the notify queue would get them. */
export class NoticeLog implements NoticeSink {
  readonly notices: JobNotice[] = [];

  async publish(n: Notice): Promise<void> {
    if (n.kind === 'job') this.notices.push(n);
  }

  phases(): JobPhase[] {
    return this.notices.map((n) => n.phase);
  }
}

/** A pino logger that keeps every line as a parsed object. */
export function capturedLog(): { log: Logger; entries: Record<string, unknown>[] } {
  const entries: Record<string, unknown>[] = [];
  const log = createLogger('debug', {
    write: (line: string) => void entries.push(JSON.parse(line) as Record<string, unknown>),
  });
  return { log, entries };
}

/** The run of a queued job for `op` (default: the catalogue's operation of its request). */
export function runOf(
  job: Job<SignedJob>,
  o: { op?: OperationDef; notices?: NoticeLog; signal?: AbortSignal; log?: Logger } = {},
): JobRun {
  const op = o.op ?? catalogue.get(job.data.request.op)!;
  const log = o.log ?? capturedLog().log;
  return startRun(
    job,
    { request: job.data.request, op },
    { log, notify: o.notices ?? new NoticeLog() },
    o.signal,
  );
}
