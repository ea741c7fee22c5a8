/**
 * What vpsops assumes about BullMQ beyond its typed API, each on a real redis-server with a real
 * Queue and Worker, so that a BullMQ upgrade that changes one fails here, by name, rather than as
 * a wrong queue position or a retried cancel in production:
 *
 * - JobStore.position() reads BullMQ's wait list by key (`<prefix>:<queue>:wait`), counting from
 *   the right: new jobs are pushed on the left, the worker takes from the right, and the list
 *   holds nothing but the ids of waiting jobs (no markers, no delayed jobs).
 * - JobStore.enqueue() relies on an add with a job id already there being a no-op.
 * - JobStore.cancel() relies on remove() refusing a job a worker holds.
 * - The worker relies on cancelJob(id, reason) aborting the processor's signal with that reason,
 *   and on UnrecoverableError failing a job at once with its message as failedReason (jobs.ts
 *   reads the OpError JSON back from it).
 */
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SignedJob } from '../../src/model/request.js';
import { JobStore } from '../../src/store/jobs.js';
import { hostQueueName, Keys } from '../../src/store/keys.js';
import { NotifyPublisher } from '../../src/store/notify.js';
import { testConfig } from '../helpers/config.js';
import { useRedis } from '../helpers/redis.js';

const server = useRedis();
const PREFIX = 'bq';
const keys = new Keys(PREFIX);
let redis: Redis;
let jobs: JobStore;
let notify: NotifyPublisher;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(() => {
  redis = new Redis(server.url);
  notify = new NotifyPublisher(redis, PREFIX);
  jobs = new JobStore(redis, keys, testConfig(), notify);
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
afterAll(async () => {
  await jobs.close();
  await notify.close();
  await redis.quit();
});

/** Jobs carry no real request here: these tests are about where BullMQ keeps them. */
const data = (n: string) => ({ n }) as unknown as SignedJob;

let hosts = 0;
/** A host of its own per test, so each test has its own queue. */
const newHost = () => `h${++hosts}`;

/** A worker on the host's queue whose processor holds each job until the test releases it. */
function holdingWorker(host: string, opts: { fail?: Error } = {}) {
  const started: Array<{ id: string; signal: AbortSignal | undefined }> = [];
  const waiters: Array<{ n: number; resolve: () => void }> = [];
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const connection = new Redis(server.url, { maxRetriesPerRequest: null });
  const worker = new Worker<SignedJob>(
    hostQueueName(host),
    async (job: Job<SignedJob>, _token?: string, signal?: AbortSignal) => {
      started.push({ id: String(job.id), signal });
      for (const w of waiters) if (started.length >= w.n) w.resolve();
      if (opts.fail) throw opts.fail;
      await Promise.race([released, new Promise((r) => signal?.addEventListener('abort', r))]);
    },
    { connection, prefix: PREFIX, concurrency: 1 },
  );
  // BullMQ does not close a connection it is handed.
  cleanups.push(async () => {
    await worker.close(true);
    connection.disconnect();
  });
  /** Resolves once the processor has started `n` jobs in all. */
  const startedJobs = (n: number) =>
    new Promise<void>((resolve) => {
      if (started.length >= n) resolve();
      else waiters.push({ n, resolve });
    });
  return { worker, started, release, startedJobs };
}

describe('BullMQ internals vpsops relies on', () => {
  it('the wait list of queue Q under prefix P is `P:Q:wait`, newest id on the left', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    for (const id of ['A', 'B', 'C']) await q.add('op', data(id), { jobId: id });
    expect(keys.hostQueueWait(host)).toBe(`${PREFIX}:host.${host}:wait`);
    expect(q.keys.wait).toBe(keys.hostQueueWait(host));
    expect(await redis.lrange(keys.hostQueueWait(host), 0, -1)).toEqual(['C', 'B', 'A']);
    expect([
      await jobs.position(host, 'A'),
      await jobs.position(host, 'B'),
      await jobs.position(host, 'C'),
    ]).toEqual([1, 2, 3]);
  });

  it('the worker takes the job position() calls 1st, and the rest move up', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    for (const id of ['A', 'B', 'C']) await q.add('op', data(id), { jobId: id });
    const w = holdingWorker(host);
    await w.startedJobs(1);
    expect(w.started.map((s) => s.id)).toEqual(['A']);
    expect(await (await q.getJob('A'))!.getState()).toBe('active');
    expect(await jobs.position(host, 'A')).toBeUndefined();
    expect([await jobs.position(host, 'B'), await jobs.position(host, 'C')]).toEqual([1, 2]);
    w.release();
    await w.startedJobs(2);
    expect(w.started.map((s) => s.id)).toEqual(['A', 'B']);
  });

  it('the wait list holds only waiting job ids: no markers, no delayed or prioritized jobs', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    await q.add('op', data('D'), { jobId: 'D', delay: 60_000 });
    await q.add('op', data('P'), { jobId: 'P', priority: 1 });
    await q.add('op', data('W1'), { jobId: 'W1' });
    await q.add('op', data('W2'), { jobId: 'W2' });
    expect(await redis.lrange(keys.hostQueueWait(host), 0, -1)).toEqual(['W2', 'W1']);
    expect(await jobs.position(host, 'D')).toBeUndefined();
    expect(await jobs.position(host, 'W1')).toBe(1);
  });

  it('adding a job id that is already there changes nothing', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    await q.add('op', data('first'), { jobId: 'X' });
    await q.add('op', data('second'), { jobId: 'X' });
    expect(await redis.lrange(keys.hostQueueWait(host), 0, -1)).toEqual(['X']);
    expect((await q.getJob('X'))!.data).toEqual(data('first'));
  });

  it('remove() refuses a job a worker holds', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    await q.add('op', data('A'), { jobId: 'A' });
    const w = holdingWorker(host);
    await w.startedJobs(1);
    await expect((await q.getJob('A'))!.remove()).rejects.toThrow();
    expect(await (await q.getJob('A'))!.getState()).toBe('active');
  });

  it('cancelJob(id, reason) aborts the running processor’s signal with that reason', async () => {
    const host = newHost();
    await jobs.queue(host).add('op', data('A'), { jobId: 'A' });
    const w = holdingWorker(host);
    await w.startedJobs(1);
    expect(w.worker.cancelJob('nope', 'cancelled by bob')).toBe(false);
    expect(w.worker.cancelJob('A', 'cancelled by bob')).toBe(true);
    expect(w.started[0]!.signal?.aborted).toBe(true);
    expect(w.started[0]!.signal?.reason).toBe('cancelled by bob');
  });

  it('UnrecoverableError fails the job at once, its message kept as failedReason', async () => {
    const host = newHost();
    const q = jobs.queue(host);
    const reason = JSON.stringify({ code: 'CANCELLED', message: 'The job was cancelled.' });
    await q.add('op', data('A'), { jobId: 'A', attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    const w = holdingWorker(host, { fail: new UnrecoverableError(reason) });
    const failed = new Promise<Job>((r) => w.worker.on('failed', (job) => r(job!)));
    await failed;
    const job = (await q.getJob('A'))!;
    expect(await job.getState()).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBe(reason);
    expect(w.started).toHaveLength(1);
  });
});
