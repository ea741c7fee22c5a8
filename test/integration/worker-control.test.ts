/**
 * Control of running work: cancel (queued, waiting for its guest, running), operation timeouts,
 * retries of operations that are safe to repeat, refusal of unsigned or altered jobs, and the
 * host's registration and heartbeat. Real redis-server, the OpenVZ simulator, in-process workers.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { renderBlocks } from '../../src/chat/render.js';
import type { OperationDef } from '../../src/core/operation.js';
import type { JobRequest, SignedJob } from '../../src/core/request.js';
import { sign } from '../../src/core/signing.js';
import type { HostRegistration } from '../../src/queue/fleet.js';
import { TEST_JOB_KEY } from '../helpers/config.js';
import { type Pipeline, sleep, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
let p: Pipeline;
/** A second pipeline (own key prefix) whose worker and dispatcher give `start` a 500 ms timeout. */
let t: Pipeline;
let redis: Redis;

const MiB = 1024 ** 2;

beforeAll(async () => {
  redis = new Redis(redisServer.url);
  p = await startPipeline({
    redisUrl: redisServer.url,
    hosts: {
      'vz-1': {
        delays: { start: 100, stop: 100 },
        // One quick lock retry in the driver, so the queue's own retries are what the test sees.
        driver: { lockRetries: 1, lockBackoffMs: 50 },
        containers: [
          { ctid: 110, name: 'sec-1', running: true },
          { ctid: 111, name: 'retry-1', running: false },
          { ctid: 112, name: 'retry-2', running: false },
          { ctid: 113, name: 'busy-1', running: true },
          { ctid: 114, name: 'slow-1', running: false },
        ],
      },
      'vz-idle': { containers: [{ ctid: 121, name: 'idle-1', running: false }] },
      'vz-hb': {
        cpus: 6,
        memMiB: 12_288,
        worker: false,
        containers: [{ ctid: 131, name: 'hb-1', running: true }],
      },
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
  redis?.disconnect();
});

async function jobOf(id: string, host = 'vz-1'): Promise<Job<SignedJob> | undefined> {
  return p.core.jobs.queue(host).getJob(id);
}

async function stateOf(id: string, host = 'vz-1'): Promise<string> {
  const job = await jobOf(id, host);
  return job ? job.getState() : 'gone';
}

/** Connections the Redis server has open right now. */
async function clientCount(): Promise<number> {
  return String(await redis.call('CLIENT', 'LIST'))
    .split('\n')
    .filter(Boolean).length;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
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
    await sleep(1_000);
    expect(await idle.ctl.isRunning(121)).toBe(false);
    expect(p.sink.phases(r.jobId!)).toEqual(['cancelled']);
  });

  it('a job waiting for its busy guest is cancelled and never runs', async () => {
    const ctl = p.host('vz-1').ctl;
    await ctl.setDelay('stop', 1_500);
    try {
      const first = await p.run('/vps stop busy-1');
      const second = await p.run('/vps start busy-1');
      await p.sink.phase(first.jobId!, 'running');
      // The worker has taken the second job and holds it until busy-1 is free.
      await waitUntil(
        async () => (await stateOf(second.jobId!)) === 'active',
        5_000,
        'the second job to be taken',
      );
      const cancelledAt = Date.now();
      const c = await p.run(`/vps cancel ${second.jobId}`, { user: 'bob' });
      expect(c.ok).toBe(true);
      const final = await p.sink.final(second.jobId!);
      expect(final.view.phase).toBe('cancelled');
      expect(final.at - cancelledAt).toBeLessThan(1_000);
      expect((await p.sink.final(first.jobId!)).view.phase).toBe('done');
      // Give a wrongly retried start the time to run: busy-1 must stay stopped.
      await sleep(1_000);
      expect(await ctl.isRunning(113)).toBe(false);
      expect(p.sink.phases(second.jobId!)).not.toContain('running');
      expect(p.sink.phases(second.jobId!)).not.toContain('done');
      expect(await stateOf(second.jobId!)).toBe('failed');
    } finally {
      await ctl.setDelay('stop', 100);
    }
  });

  it('a running job is aborted: its vzctl is killed and it ends cancelled long before the 5 s start', async () => {
    const h = p.host('vz-1');
    await h.ctl.setDelay('start', 5_000);
    try {
      const r = await p.run('/vps start slow-1');
      await p.sink.phase(r.jobId!, 'running');
      const lockFile = join(h.sim.dir, 'vz/lock/114.lck');
      const pid = await waitUntil(
        () => {
          try {
            return Number.parseInt(readFileSync(lockFile, 'utf8'), 10) || undefined;
          } catch {
            return undefined;
          }
        },
        5_000,
        'vzctl to hold the lock of CT 114',
      );
      expect(pidAlive(pid)).toBe(true);
      const cancelledAt = Date.now();
      const c = await p.run(`/vps cancel ${r.jobId}`, { user: 'bob' });
      expect(c.text).toBe(`Cancelling job ${r.jobId} on vz-1: the running operation is being aborted.`);
      const final = await p.sink.final(r.jobId!);
      expect(final.view.phase).toBe('cancelled');
      expect(final.view.error).toMatchObject({ code: 'CANCELLED' });
      expect(final.view.step).toContain('cancelled by bob');
      expect(final.at - cancelledAt).toBeLessThan(1_500);
      await waitUntil(() => !pidAlive(pid), 1_000, 'the vzctl process to be gone');
      expect(await h.ctl.isRunning(114)).toBe(false);
      expect(p.sink.phases(r.jobId!)).not.toContain('retrying');
      expect(await stateOf(r.jobId!)).toBe('failed');
    } finally {
      await h.ctl.setDelay('start', 100);
    }
  });
});

describe('timeouts and retries', () => {
  it('an operation over its timeout is stopped and fails with TIMEOUT', async () => {
    const t0 = Date.now();
    const { final, reply } = await t.runToEnd('/vps start to-1', 5_000);
    expect(final.view.phase).toBe('failed');
    expect(final.view.error).toMatchObject({ code: 'TIMEOUT' });
    expect(final.view.error?.message).toBe('start did not finish within 500ms and was stopped.');
    // Well before the simulated start would have finished (3 s), with room for a loaded machine.
    expect(final.at - t0).toBeLessThan(2_500);
    expect(t.sink.phases(reply.jobId!)).not.toContain('retrying');
    const job = await t.core.jobs.queue('vz-t').getJob(reply.jobId!);
    expect(await job!.getState()).toBe('failed');
    expect(JSON.parse(job!.failedReason).code).toBe('TIMEOUT');
    // The killed vzctl never finished the start.
    await sleep(300);
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
      await sleep(500);
      expect(p.sink.phases(reply.jobId!)).not.toContain('retrying');
      expect(p.sink.phases(reply.jobId!).filter((ph) => ph === 'failed')).toHaveLength(1);
      const job = await jobOf(reply.jobId!);
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
      expect(await ctl.isRunning(112)).toBe(false);
    } finally {
      await ctl.clearInjections();
    }
  });
});

describe('security', () => {
  const base = (id: string, over: Partial<JobRequest> = {}): JobRequest => ({
    v: 1,
    id,
    op: 'stop',
    host: 'vz-1',
    target: { kind: 'guest', host: 'vz-1', guestId: '110', guestName: 'sec-1' },
    args: { force: true, timeout: 60_000 },
    user: 'mallory',
    origin: 'test',
    issuedAt: Date.now(),
    ...over,
  });

  it('unsigned, altered, misrouted or re-labelled jobs are refused and logged as security events', async () => {
    const q = p.core.jobs.queue('vz-1');
    const ids: string[] = [];
    const add = async (jobId: string, data: unknown, delay = 0) => {
      ids.push(jobId);
      await q.add('stop', data as SignedJob, { jobId, ...(delay ? { delay } : {}) });
    };
    await add('badsig0001', { ...sign(base('badsig0001'), TEST_JOB_KEY), sig: 'ab'.repeat(32) });
    await add('nosig00001', { request: base('nosig00001') });
    // Signed for a harmless status, then rewritten in Redis into a stop before a worker sees it.
    await add(
      'altered001',
      sign(base('altered001', { op: 'status', args: { refresh: true } }), TEST_JOB_KEY),
      60_000,
    );
    const altered = sign(base('altered001', { op: 'status', args: { refresh: true } }), TEST_JOB_KEY);
    altered.request.op = 'stop';
    altered.request.args = { force: true, timeout: 60_000 };
    await redis.hset(`vpsops:${q.name}:altered001`, 'data', JSON.stringify(altered));
    await (await q.getJob('altered001'))!.promote();
    await add(
      'otherhost1',
      sign(
        base('otherhost1', {
          host: 'vz-idle',
          target: { kind: 'guest', host: 'vz-idle', guestId: '110', guestName: 'sec-1' },
        }),
        TEST_JOB_KEY,
      ),
    );
    await add('relabel001', sign(base('signedas01'), TEST_JOB_KEY));

    for (const id of ids) {
      await waitUntil(async () => (await stateOf(id)) === 'failed', 5_000, `job ${id} to fail`);
      const job = await jobOf(id);
      expect(JSON.parse(job!.failedReason).code, id).toBe('SIGNATURE');
      expect(job!.attemptsMade, id).toBe(1);
    }
    expect(await p.host('vz-1').ctl.isRunning(110)).toBe(true);
    const events = p.host('vz-1').log.entries.filter((e) => e.security === true);
    expect(events.map((e) => e.jobId).sort()).toEqual([...ids].sort());
    for (const e of events) expect(e.level).toBeGreaterThanOrEqual(40);
    // Nothing about them reached the chat.
    for (const id of ids) expect(p.sink.jobs(id)).toEqual([]);
  });
});

describe('registration and heartbeat', () => {
  it('registers kind, capacity and versions, keeps a heartbeat with a TTL, and signs off on close', async () => {
    const h = p.host('vz-hb');
    const clientsBefore = await clientCount();
    await h.start();
    const reg = JSON.parse((await redis.hget('vpsops:hosts', 'vz-hb'))!) as HostRegistration;
    expect(reg).toMatchObject({
      host: 'vz-hb',
      kind: 'openvz',
      group: 'test',
      capacity: { cpus: 6, memoryBytes: 12_288 * MiB },
    });
    expect(reg.versions.vzctl).toBe('4.11.1');
    const ttl = await redis.pttl('vpsops:heartbeat:vz-hb');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(p.config.worker.heartbeatTtl);
    const beat1 = Number(await redis.get('vpsops:heartbeat:vz-hb'));
    await sleep(p.config.worker.heartbeatInterval * 2 + 100);
    expect(Number(await redis.get('vpsops:heartbeat:vz-hb'))).toBeGreaterThan(beat1);

    const up = renderBlocks((await p.run('/vps hosts')).blocks);
    expect(up).toMatch(/vz-hb\*?\n.*State.*\n?.*🟢 up/);
    expect(up).toContain('6 CPUs · 12G RAM');
    expect(up).toContain('vzctl 4.11.1');

    expect(await h.stop()).toBe(true);
    expect(await redis.exists('vpsops:heartbeat:vz-hb')).toBe(0);
    const down = renderBlocks((await p.run('/vps hosts')).blocks);
    expect(down).toMatch(/vz-hb\*?\n.*State.*\n?.*🔴 not reporting/);
    // Its Redis connections are closed too.
    await waitUntil(
      async () => (await clientCount()) <= clientsBefore,
      2_000,
      'the worker to close its Redis connections',
    );
  });
});
