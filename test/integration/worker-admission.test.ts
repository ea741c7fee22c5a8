/**
 * What a host's worker admits and how it shows itself: refusal of unsigned, altered or misrouted
 * jobs, and the host's registration and heartbeat. Real redis-server, the OpenVZ simulator,
 * in-process workers.
 */
import type { Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderBlocks } from '../../src/chat/view/text.js';
import type { JobRequest, SignedJob } from '../../src/model/request.js';
import { sign } from '../../src/model/signing.js';
import type { HostRegistration } from '../../src/store/fleet.js';
import { TEST_JOB_KEY } from '../helpers/config.js';
import { type Pipeline, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
let p: Pipeline;
let redis: Redis;

const MiB = 1024 ** 2;

beforeAll(async () => {
  redis = new Redis(redisServer.url);
  p = await startPipeline({
    redisUrl: redisServer.url,
    hosts: {
      'vz-1': { containers: [{ ctid: 110, name: 'sec-1', running: true }] },
      'vz-hb': {
        cpus: 6,
        memMiB: 12_288,
        worker: false,
        containers: [{ ctid: 131, name: 'hb-1', running: true }],
      },
    },
  });
});

afterAll(async () => {
  await p?.close();
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
    // It beats again (how soon depends on the timers of a possibly busy machine, not on the worker).
    await waitUntil(
      async () => Number(await redis.get('vpsops:heartbeat:vz-hb')) > beat1,
      5_000,
      'a second heartbeat',
    );

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
