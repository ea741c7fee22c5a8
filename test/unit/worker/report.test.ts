/**
 * Reporting how a job ended: the phase the chat is told (done, retrying, failed, cancelled), the
 * end of the job in the audit trail, and what BullMQ makes of it: another attempt only when one can
 * help, and a failed reason every reader decodes. Outcomes are handed to report() inside a real
 * BullMQ worker on redis-server, so the retries and reasons are BullMQ's own.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import type { JobEntry } from '../../../src/model/audit.js';
import { OpError } from '../../../src/model/errors.js';
import { decodeFailure } from '../../../src/model/failure.js';
import type { Notice } from '../../../src/model/notice.js';
import type { SignedJob } from '../../../src/model/request.js';
import { AuditLog } from '../../../src/store/audit.js';
import { hostQueueName } from '../../../src/store/keys.js';
import type { Outcome } from '../../../src/worker/execute.js';
import { failurePhase, report } from '../../../src/worker/report.js';
import { useRedis } from '../../helpers/redis.js';
import { HOST, NoticeLog, PhaseKit, runOf, testRequest } from '../../helpers/runner.js';

const server = useRedis();
let kit: PhaseKit;
let worker: Worker<SignedJob>;
let audit: AuditLog;
/** What each job's "execute" came to, by job id and attempt. */
const plans = new Map<string, (attempt: number) => Outcome>();
const notices = new NoticeLog();

beforeAll(async () => {
  kit = new PhaseKit(server.url);
  audit = new AuditLog(kit.redis, kit.keys);
  worker = new Worker<SignedJob>(
    hostQueueName(HOST),
    async (job) => {
      const run = runOf(job, { notices: job.data.request.user === 'mute' ? new NoDone(notices) : notices });
      return report(run, plans.get(job.id!)!(run.attempt), { audit });
    },
    { connection: new Redis(server.url, { maxRetriesPerRequest: null }), prefix: kit.keys.prefix },
  );
  await worker.waitUntilReady();
});
afterAll(async () => {
  await worker?.close();
  await kit?.close();
});

/** A notice sink that cannot send "done" (Redis trouble at the worst moment). */
class NoDone extends NoticeLog {
  constructor(private readonly inner: NoticeLog) {
    super();
  }
  override async publish(n: Notice): Promise<void> {
    if (n.kind === 'job' && n.phase === 'done') throw new Error('notify queue unavailable');
    await this.inner.publish(n);
  }
}

const failed = (error: OpError, ran = true): Outcome => ({
  ok: false,
  error,
  startedAt: Date.now() - 5,
  ran,
});

/** Queues a stop whose execution comes to `plan`, and waits for BullMQ to settle it. */
async function settle(plan: (attempt: number) => Outcome, attempts = 1, user = 'alice') {
  const r = testRequest({ user });
  plans.set(r.id, plan);
  await kit.signed(r, { attempts });
  for (;;) {
    const state = await kit.queue.getJobState(r.id);
    if (state === 'completed' || state === 'failed') break;
    await new Promise((res) => setTimeout(res, 10));
  }
  const job = (await kit.queue.getJob(r.id))!;
  const mine = notices.notices.filter((n) => n.requestId === r.id);
  const page = await audit.query({ limit: 100, type: 'job' });
  const ends = (page.entries as unknown as JobEntry[]).filter((e) => e.requestId === r.id).reverse();
  return { job, phases: mine.map((n) => n.phase), notices: mine, ends };
}

describe('report', () => {
  it('a done job: the done notice, the end in the audit trail, the result as BullMQ’s return value', async () => {
    const result = { summary: 'web-1 (101) is stopped.' };
    const s = await settle(() => ({ ok: true, result, startedAt: Date.now() - 5 }));
    expect(s.job.returnvalue).toEqual(result);
    expect(s.notices).toEqual([expect.objectContaining({ phase: 'done', pct: 100, result })]);
    expect(s.ends).toEqual([
      expect.objectContaining({ phase: 'end', result: 'done', durationMs: expect.any(Number) }),
    ]);
    expect(s.ends[0]).not.toHaveProperty('error');
  });

  it('a failure a retry can cure is retried while attempts remain, then fails with its reason', async () => {
    const s = await settle(() => failed(new OpError('LOCKED', 'web-1 is busy.')), 2);
    expect(s.phases).toEqual(['retrying', 'failed']);
    expect(s.notices.map((n) => n.attempt)).toEqual([1, 2]);
    expect(s.job.attemptsMade).toBe(2);
    expect(decodeFailure(s.job.failedReason)).toEqual({
      code: 'LOCKED',
      message: 'web-1 is busy.',
      retryable: true,
    });
    expect(s.ends.map((e) => [e.result, e.error])).toEqual([
      ['failed', 'web-1 is busy.'],
      ['failed', 'web-1 is busy.'],
    ]);
  });

  it('a failure no retry can cure fails for good on the first attempt', async () => {
    const s = await settle(() => failed(new OpError('NOT_RUNNING', 'web-1 is not running.')), 3);
    expect(s.phases).toEqual(['failed']);
    expect(s.job.attemptsMade).toBe(1);
    expect(decodeFailure(s.job.failedReason).code).toBe('NOT_RUNNING');
  });

  it('a cancelled job is reported cancelled, with why as its step, and never retried', async () => {
    const e = new OpError('CANCELLED', 'The operation was cancelled (cancelled by bob).');
    const s = await settle(() => failed(e), 3);
    expect(s.notices).toEqual([
      expect.objectContaining({ phase: 'cancelled', step: e.userMessage, error: e.toJSON() }),
    ]);
    expect(s.job.attemptsMade).toBe(1);
    expect(decodeFailure(s.job.failedReason).code).toBe('CANCELLED');
    expect(s.ends.map((x) => x.result)).toEqual(['cancelled']);
  });

  it('a job that never reached the driver is not retried and has no end in the audit trail', async () => {
    const s = await settle(() => failed(new OpError('LOCKED', 'audit unavailable.'), false), 3);
    expect(s.phases).toEqual(['failed']);
    expect(s.job.attemptsMade).toBe(1);
    expect(s.ends).toEqual([]);
  });

  it('a done job whose done notice cannot be sent is reported as failed', async () => {
    const s = await settle(
      () => ({ ok: true, result: { summary: 'done' }, startedAt: Date.now() }),
      1,
      'mute',
    );
    expect(s.phases).toEqual(['failed']);
    expect(decodeFailure(s.job.failedReason).code).toBe('INTERNAL');
    expect(s.ends.map((x) => x.result)).toEqual(['failed']);
  });
});

describe('failurePhase', () => {
  const stop = catalogue.get('stop')!;
  const destroy = catalogue.get('destroy')!;
  const locked = new OpError('LOCKED', 'busy');
  const notRunning = new OpError('NOT_RUNNING', 'not running');

  it('retries only a run that reached the driver, of a repeatable operation, for a curable error, with attempts left', () => {
    expect(failurePhase(locked, { op: stop, attempt: 1, attempts: 3 }, true)).toEqual({
      phase: 'retrying',
      retry: true,
    });
    expect(failurePhase(locked, { op: stop, attempt: 2, attempts: 3 }, true).retry).toBe(true);
    expect(failurePhase(locked, { op: stop, attempt: 3, attempts: 3 }, true)).toEqual({
      phase: 'failed',
      retry: false,
    });
    expect(failurePhase(locked, { op: destroy, attempt: 1, attempts: 3 }, true).phase).toBe('failed');
    expect(failurePhase(notRunning, { op: stop, attempt: 1, attempts: 3 }, true).phase).toBe('failed');
    expect(failurePhase(locked, { op: stop, attempt: 1, attempts: 3 }, false).phase).toBe('failed');
  });

  it('shows a cancel as cancelled, never as failed', () => {
    const e = new OpError('CANCELLED', 'The operation was cancelled.');
    expect(failurePhase(e, { op: stop, attempt: 1, attempts: 3 }, true)).toEqual({
      phase: 'cancelled',
      retry: false,
    });
  });
});
