/**
 * Control of running work: cancel (queued, waiting for its guest, running), operation timeouts and
 * retries of operations that are safe to repeat. Real redis-server, the OpenVZ simulator,
 * in-process workers. A check that something did not happen follows a positive event (a later job
 * on the same guest ran, the job settled in BullMQ, vzctl let go of the CT), never a sleep.
 */
import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { renderBlocks } from '../../src/chat/view/text.js';
import type { SignedJob } from '../../src/model/request.js';
import type { OperationDef } from '../../src/ops/operation.js';
import { type Pipeline, type RecordedJob, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';
import { lockHolder, pidAlive } from '../helpers/sim-locks.js';

const redisServer = useRedis();
let p: Pipeline;
/** A second pipeline (own key prefix) whose worker and dispatcher give `start` a 500 ms timeout. */
let t: Pipeline;

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redisServer.url,
    hosts: {
      'vz-1': {
        delays: { start: 100, stop: 100 },
        // One quick lock retry in the driver, so the queue's own retries are what the test sees.
        driver: { lockRetries: 1, lockBackoffMs: 50 },
        containers: [
          { ctid: 111, name: 'retry-1', running: false },
          { ctid: 112, name: 'retry-2', running: false },
          { ctid: 113, name: 'busy-1', running: true },
          { ctid: 114, name: 'slow-1', running: false },
        ],
      },
      'vz-idle': { containers: [{ ctid: 121, name: 'idle-1', running: false }] },
    },
  });
  const start = catalogue.get('start')!;
  const quick: OperationDef = { ...start, timeoutMs: 500 };
  t = await startPipeline({
    redisUrl: redisServer.url,
    config: { redis: { prefix: 'vpsops-t' } },
    catalogue: new Map([...catalogue, ['start', quick]]),
    hosts: {
      'vz-t': { delays: { start: 3_000 }, containers: [{ ctid: 301, name: 'to-1', running: false }] },
    },
  });
});

afterAll(async () => {
  await Promise.all([p?.close(), t?.close()]);
});

async function jobOf(id: string, host = 'vz-1', pipe = p): Promise<Job<SignedJob> | undefined> {
  return pipe.core.jobs.queue(host).getJob(id);
}

async function stateOf(id: string, host = 'vz-1', pipe = p): Promise<string> {
  const job = await jobOf(id, host, pipe);
  return job ? job.getState() : 'gone';
}

/**
 * Waits until BullMQ has settled a job, then gives its state. The final notice is published before
 * the processor returns, so the job can still be active (and its attemptsMade not yet counted).
 */
async function settledState(id: string, host = 'vz-1', pipe = p): Promise<string> {
  await waitUntil(async () => (await stateOf(id, host, pipe)) !== 'active', 5_000, `job ${id} to settle`);
  return stateOf(id, host, pipe);
}

/**
 * A read on the guest that goes through the worker, its queue and the guest's lock: once it is
 * done, the worker has moved past everything queued before it for that guest.
 */
async function marker(guest: string): Promise<string | undefined> {
  const { final } = await p.runToEnd(`/vps status ${guest} refresh=yes`);
  expect(final.view.phase).toBe('done');
  return final.view.result?.summary;
}

describe('cancel', () => {
  it('a queued job (its host worker is down) is removed, announced as cancelled, and never runs', async () => {
    const idle = p.host('vz-idle');
    await idle.stop();
    const r = await p.run('/vps start idle-1');
    expect(r.ok).toBe(true);
    expect(renderBlocks(r.blocks)).toContain('vz-idle is not reporting');
    expect(await stateOf(r.jobId!, 'vz-idle')).toBe('waiting');
    const c = await p.run(`/vps cancel ${r.jobId}`, { user: 'bob' });
    expect(c.text).toBe(`Job ${r.jobId} was cancelled before it started.`);
    const final = await p.sink.final(r.jobId!);
    expect(final.view.phase).toBe('cancelled');
    expect(final.view.step).toBe('cancelled by bob before it started');
    expect(await stateOf(r.jobId!, 'vz-idle')).toBe('gone');

    await idle.start();
    // A job queued after it has run on the same guest: the cancelled one, had it stayed, went first.
    expect(await marker('idle-1')).toBe('idle-1 is stopped.');
    expect(await idle.ctl.isRunning(121)).toBe(false);
    expect(p.sink.phases(r.jobId!)).toEqual(['cancelled']);
  });

  it('a job waiting for its busy guest is cancelled while it waits and never runs', async () => {
    const ctl = p.host('vz-1').ctl;
    await ctl.setDelay('stop', 1_500);
    try {
      const first = await p.run('/vps stop busy-1');
      const second = await p.run('/vps start busy-1');
      await p.sink.phase(first.jobId!, 'running');
      // The worker has taken the second job and says it waits until busy-1 is free.
      await p.sink.waitFor(
        (r): r is RecordedJob =>
          r.kind === 'job' &&
          r.notice.requestId === second.jobId &&
          r.notice.step === 'waiting for another operation on this guest',
        5_000,
        'the second job to wait for busy-1',
      );
      const c = await p.run(`/vps cancel ${second.jobId}`, { user: 'bob' });
      expect(c.ok).toBe(true);
      const final = await p.sink.final(second.jobId!);
      expect(final.view.phase).toBe('cancelled');
      // What the job recorded: the cancel took it in the guest's line, not once busy-1 was free
      // (that would read "The operation was cancelled (cancelled by bob).").
      expect(final.view.step).toBe('cancelled by bob before it started');
      expect((await p.sink.final(first.jobId!)).view.phase).toBe('done');
      // Positive controls before "it never ran": BullMQ has settled it for good (a retry would
      // leave it delayed or waiting), and a later job on busy-1 took the guest's lock and ran.
      expect(await settledState(second.jobId!)).toBe('failed');
      expect(await marker('busy-1')).toBe('busy-1 is stopped.');
      expect(await ctl.isRunning(113)).toBe(false);
      expect(p.sink.phases(second.jobId!)).not.toContain('running');
      expect(p.sink.phases(second.jobId!)).not.toContain('done');
    } finally {
      await ctl.setDelay('stop', 100);
    }
  });

  it('a running job is aborted: its vzctl is killed and it ends cancelled without finishing the start', async () => {
    const h = p.host('vz-1');
    await h.ctl.setDelay('start', 5_000);
    try {
      const r = await p.run('/vps start slow-1');
      await p.sink.phase(r.jobId!, 'running');
      const pid = await waitUntil(
        () => lockHolder(h.sim.dir, 114),
        5_000,
        'vzctl to hold the lock of CT 114',
      );
      const c = await p.run(`/vps cancel ${r.jobId}`, { user: 'bob' });
      expect(c.text).toBe(`Cancelling job ${r.jobId} on vz-1: the running operation is being aborted.`);
      const final = await p.sink.final(r.jobId!);
      expect(final.view.phase).toBe('cancelled');
      expect(final.view.error).toMatchObject({ code: 'CANCELLED' });
      expect(final.view.step).toContain('cancelled by bob');
      // vzctl has ended, and without starting the CT: it was killed, not waited for (a finished
      // start would leave 114 running), whatever the clock says.
      await waitUntil(() => !pidAlive(pid), 10_000, 'the vzctl process to be gone');
      expect(await h.ctl.isRunning(114)).toBe(false);
      expect(await settledState(r.jobId!)).toBe('failed');
      expect(p.sink.phases(r.jobId!)).not.toContain('retrying');
    } finally {
      await h.ctl.setDelay('start', 100);
    }
  });
});

describe('timeouts and retries', () => {
  it('an operation over its timeout is stopped and fails with TIMEOUT', async () => {
    const { final, reply } = await t.runToEnd('/vps start to-1', 10_000);
    expect(final.view.phase).toBe('failed');
    expect(final.view.error).toMatchObject({ code: 'TIMEOUT' });
    expect(final.view.error?.message).toBe('start did not finish within 500ms and was stopped.');
    expect(await settledState(reply.jobId!, 'vz-t', t)).toBe('failed');
    expect(t.sink.phases(reply.jobId!)).not.toContain('retrying');
    expect(JSON.parse((await jobOf(reply.jobId!, 'vz-t', t))!.failedReason).code).toBe('TIMEOUT');
    // No live vzctl holds CT 301 any more, and the CT did not start: it was killed, not left to
    // finish its 3 s start (which would leave 301 running).
    await waitUntil(
      async () => (await lockHolder(t.host('vz-t').sim.dir, 301)) === undefined,
      10_000,
      'vzctl to let go of CT 301',
    );
    expect(await t.host('vz-t').ctl.isRunning(301)).toBe(false);
  });

  it('a retryable operation is retried after a lock failure and then succeeds', async () => {
    const ctl = p.host('vz-1').ctl;
    // Two failures use up the first attempt (one try plus the driver's one lock retry); the third fails once more.
    await ctl.inject({
      action: 'start',
      ctid: 111,
      exitCode: 9,
      stderr: 'Container already locked',
      times: 3,
    });
    const { reply, final } = await p.runToEnd('/vps start retry-1');
    expect(final.view.phase).toBe('done');
    const phases = p.sink.phases(reply.jobId!);
    expect(phases).toContain('retrying');
    expect(phases.indexOf('retrying')).toBeLessThan(phases.indexOf('done'));
    const retrying = p.sink.jobs(reply.jobId!).find((r) => r.notice.phase === 'retrying')!;
    expect(retrying.notice.error).toMatchObject({ code: 'LOCKED' });
    expect(retrying.notice.attempt).toBe(1);
    expect(await ctl.isRunning(111)).toBe(true);
    expect(await settledState(reply.jobId!)).toBe('completed');
    expect((await jobOf(reply.jobId!))!.attemptsMade).toBe(2);
  });

  it('an operation that is not safe to repeat fails once, without a retry', async () => {
    const ctl = p.host('vz-1').ctl;
    await ctl.inject({
      action: 'start',
      ctid: 112,
      exitCode: 9,
      stderr: 'Container already locked',
      times: 3,
    });
    try {
      const { reply, final } = await p.runToEnd('/vps reboot retry-2');
      expect(final.view.phase).toBe('failed');
      expect(final.view.error).toMatchObject({ code: 'LOCKED' });
      // Failed for good in BullMQ, after one attempt: no retry can still come. The notify queue is
      // in order, so every notice of that attempt arrived before its final one.
      expect(await settledState(reply.jobId!)).toBe('failed');
      expect((await jobOf(reply.jobId!))!.attemptsMade).toBe(1);
      expect(p.sink.phases(reply.jobId!)).not.toContain('retrying');
      expect(p.sink.phases(reply.jobId!).filter((ph) => ph === 'failed')).toHaveLength(1);
      expect(await ctl.isRunning(112)).toBe(false);
    } finally {
      await ctl.clearInjections();
    }
  });
});
