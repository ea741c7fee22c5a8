/** The bot's path against a real redis-server: resolve, refuse, sign, enqueue, answer reads. */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { createPipeline } from '../../src/bot/pipeline/create.js';
import type { Pipeline } from '../../src/bot/pipeline/pipeline.js';
import { loadAccessPolicy } from '../../src/bot/policy/file.js';
import { renderBlocks } from '../../src/chat/view/text.js';
import { createLogger } from '../../src/log.js';
import type { Guest } from '../../src/model/hypervisor.js';
import { verify } from '../../src/model/signing.js';
import { ApprovalStore } from '../../src/store/approvals.js';
import { AuditLog } from '../../src/store/audit.js';
import { FleetStore } from '../../src/store/fleet.js';
import { JobStore } from '../../src/store/jobs.js';
import { hostQueueName, Keys, NOTIFY_QUEUE } from '../../src/store/keys.js';
import { NotifyPublisher } from '../../src/store/notify.js';
import { TEST_JOB_KEY, testConfig } from '../helpers/config.js';
import { useRedis } from '../helpers/redis.js';
import { drawn } from '../helpers/reply.js';

const redisServer = useRedis();
const guest = (id: string, name: string, state: Guest['state'] = 'running'): Guest => ({
  id,
  name,
  state,
  vcpus: 1,
  memoryBytes: 1024 ** 3,
  diskBytes: 20 * 1024 ** 3,
  ips: [`10.0.0.${id.slice(-2)}`],
});

let redis: Redis;
let dispatcher: Pipeline;
let jobs: JobStore;
let notify: NotifyPublisher;
const config = () =>
  testConfig({ hosts: { 'vz-1': { kind: 'openvz', group: 'eu' }, 'vz-2': { kind: 'openvz', group: 'us' } } });

async function jobCount(host: string): Promise<number> {
  const q = new Queue(hostQueueName(host), { connection: redis, prefix: 'vpsops' });
  const n = await q.count();
  await q.close();
  return n;
}

const run = async (text: string, user = 'alice') =>
  drawn(await dispatcher.dispatch({ text, user, channel: 'C1', origin: 'test' }));

beforeAll(async () => {
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = new Keys('vpsops');
  const fleet = new FleetStore(redis, keys);
  notify = new NotifyPublisher(redis, 'vpsops');
  const c = config();
  jobs = new JobStore(redis, keys, c, notify);
  dispatcher = createPipeline({
    config: c,
    catalogue,
    fleet,
    jobs,
    jobKey: TEST_JOB_KEY,
    log: createLogger('silent'),
    access: loadAccessPolicy(c, new Set(catalogue.keys())).policy,
    audit: new AuditLog(redis, keys),
    approvals: new ApprovalStore(redis, keys),
    notify,
  }).pipeline;
  const now = Date.now();
  await fleet.publishInventory({
    host: 'vz-1',
    at: now,
    guests: [guest('101', 'web-1'), guest('102', 'db-1'), guest('103', 'mail-1', 'stopped')],
  });
  await fleet.publishInventory({
    host: 'vz-2',
    at: now,
    guests: [guest('201', 'web-1'), guest('202', 'shop-1')],
  });
  await fleet.register({
    host: 'vz-1',
    kind: 'openvz',
    group: 'eu',
    capacity: { cpus: 8, memoryBytes: 16 * 1024 ** 3, swapBytes: 0, diskBytes: 500 * 1024 ** 3 },
    versions: { vzctl: '4.11.1' },
    pid: 1,
    startedAt: now,
  });
  await fleet.heartbeat('vz-1', 60_000);
});

afterAll(async () => {
  await jobs.close();
  await notify.close();
  redis.disconnect();
});

describe('dispatcher', () => {
  it('a guest command becomes one signed job on its host queue, with the request id as job id', async () => {
    const reply = await run('/vps stop db-1 force=yes');
    expect(reply.ok).toBe(true);
    expect(reply.jobId).toMatch(/^[0-9a-z]{8}$/);
    expect(renderBlocks(reply.blocks)).toContain('stop db-1 (102) on vz-1: queued');
    const job = await jobs.queue('vz-1').getJob(reply.jobId!);
    expect(verify(job!.data, TEST_JOB_KEY)).toBe(true);
    expect(job!.data.request).toMatchObject({
      op: 'stop',
      host: 'vz-1',
      user: 'alice',
      channel: 'C1',
      args: { force: true, timeout: 60_000 },
      target: { guestId: '102', guestName: 'db-1' },
    });
    expect(job!.opts.attempts).toBe(3);
    expect(job!.opts.removeOnComplete).toEqual({ count: 1000, age: 7 * 86_400 });
  });

  it('guests are found by CTID, and by name@host where names collide', async () => {
    expect((await run('start 103')).ok).toBe(true);
    const byHost = await run('start web-1@vz-2');
    expect((await jobs.queue('vz-2').getJob(byHost.jobId!))!.data.request.target.guestId).toBe('201');
    const ambiguous = await run('start web-1');
    expect(ambiguous.ok).toBe(false);
    expect(ambiguous.text).toBe('"web-1" is on more than one host; say which: web-1@vz-1 or web-1@vz-2.');
  });

  it('the same request id never makes a second job', async () => {
    const before = await jobCount('vz-1');
    const a = await dispatcher.dispatch({
      text: 'reboot mail-1',
      user: 'alice',
      origin: 'test',
      requestId: 'fixedid01',
    });
    const b = await dispatcher.dispatch({
      text: 'reboot mail-1',
      user: 'alice',
      origin: 'test',
      requestId: 'fixedid01',
    });
    expect(a.jobId).toBe('fixedid01');
    expect(b.jobId).toBe('fixedid01');
    expect(await jobCount('vz-1')).toBe(before + 1);
  });

  it('bad input is refused with a sentence, usage or a suggestion, and nothing is enqueued', async () => {
    const before = [await jobCount('vz-1'), await jobCount('vz-2')];
    const cases: [string, string, string | RegExp][] = [
      ['start db-2', 'GUEST_NOT_FOUND', 'No guest named "db-2". Did you mean "db-1"?'],
      ['start nosuch', 'GUEST_NOT_FOUND', 'No guest named "nosuch".'],
      ['start db-1@vz-9', 'HOST_NOT_FOUND', 'No host named "vz-9". Did you mean "vz-1" or "vz-2"?'],
      ['list host=vz-3', 'HOST_NOT_FOUND', /^No host named "vz-3"\. Did you mean/],
      ['frobnicate', 'BAD_INPUT', 'Unknown command "frobnicate".'],
      [
        'create shop-9 host=vz-1 memory=2T',
        'BAD_INPUT',
        'memory=2T is out of range: the fleet allows 128M to 1T.',
      ],
      [
        'create shop-9 host=vz-1 disk=100M',
        'BAD_INPUT',
        'disk=100M is out of range: the fleet allows 1G to 16T.',
      ],
      ['create shop-9', 'BAD_INPUT', 'create needs host=NAME here, since the fleet has 2 hosts.'],
      ['create shop-1 host=vz-2', 'ALREADY_EXISTS', 'A guest named "shop-1" already exists on vz-2.'],
      ['create shop-9 host=vz-1 plan=huge', 'BAD_INPUT', 'No plan named "huge".'],
      ['resize db-1', 'BAD_INPUT', 'resize needs at least one of vcpus=, memory= or disk=.'],
      ['list refresh=yes', 'BAD_INPUT', 'list needs host=NAME here, since the fleet has 2 hosts.'],
      ['stop', 'BAD_INPUT', 'stop needs a guest.'],
    ];
    for (const [text, code, message] of cases) {
      const r = await run(text);
      expect(r.ok, text).toBe(false);
      expect(r.ephemeral, text).toBe(true);
      expect(r.code, text).toBe(code);
      if (typeof message === 'string') expect(r.text, text).toBe(message);
      else expect(r.text, text).toMatch(message);
    }
    expect([await jobCount('vz-1'), await jobCount('vz-2')]).toEqual(before);
  });

  it('usage follows the sentence of a bad argument', async () => {
    const r = await run('stop db-1 force=maybe');
    expect(renderBlocks(r.blocks)).toBe(
      '❌ force: expected yes or no, got "maybe".\nUsage: /vps stop <guest> [force=yes|no] [timeout=DURATION]',
    );
  });

  it('create resolves the plan into the signed job', async () => {
    const r = await run('create shop-3 host=vz-1 plan=medium memory=6G');
    const job = await jobs.queue('vz-1').getJob(r.jobId!);
    expect(job!.data.request.args).toMatchObject({
      plan: 'medium',
      vcpus: 2,
      memory: 6 * 1024 ** 3,
      disk: 60 * 1024 ** 3,
      template: 'debian-12-x86_64',
    });
    expect(job!.opts.attempts).toBe(1);
  });

  // Not timed: the test's wall clock measures the machine; no job is what keeps reads fast.
  it('reads answer from Redis, without a job', async () => {
    const before = await jobCount('vz-1');
    const list = await run('list host=vz-1 state=running');
    const status = await run('status db-1');
    const hosts = await run('hosts');
    expect(renderBlocks(list.blocks)).toMatch(/2 guests running on vz-1\n.*web-1 `?101/);
    expect(renderBlocks(status.blocks)).toContain('State     🟢 running');
    expect(renderBlocks(hosts.blocks)).toMatch(
      /1 of 2 hosts reporting[\s\S]*vz-1[\s\S]*🟢 up[\s\S]*vz-2[\s\S]*never seen/,
    );
    expect(await jobCount('vz-1')).toBe(before);
  });

  it('a job for a host that is not reporting says it will wait for its worker', async () => {
    const down = renderBlocks((await run('start shop-1')).blocks);
    expect(down).toContain('⚠️ vz-2 is not reporting; the job runs when its worker is back');
    const up = renderBlocks((await run('start mail-1')).blocks);
    expect(up).not.toContain('not reporting');
  });

  it('a silent host shows when it was last seen', async () => {
    const fleet = new FleetStore(redis, new Keys('vpsops'));
    await fleet.heartbeat('vz-2', 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(renderBlocks((await run('hosts')).blocks)).toMatch(
      /vz-2[\s\S]*🔴 not reporting since \d{4}-\d\d-\d\dT/,
    );
  });

  it('refresh=yes sends a read to the host instead', async () => {
    const r = await run('status db-1 refresh=yes');
    expect(r.jobId).toBeDefined();
    expect((await jobs.queue('vz-1').getJob(r.jobId!))!.name).toBe('status');
  });

  it('cancel removes a queued job and announces it on the notify queue', async () => {
    const r = await run('start mail-1');
    const c = await run(`cancel ${r.jobId}`, 'bob');
    expect(c.ok).toBe(true);
    expect(c.text).toBe(`Job ${r.jobId} was cancelled before it started.`);
    expect(await jobs.queue('vz-1').getJob(r.jobId!)).toBeUndefined();
    const nq = new Queue(NOTIFY_QUEUE, { connection: redis, prefix: 'vpsops' });
    const notices = (await nq.getJobs(['waiting'])).map((j) => j.data);
    await nq.close();
    expect(notices).toContainEqual(
      expect.objectContaining({
        requestId: r.jobId,
        phase: 'cancelled',
        step: 'cancelled by bob before it started',
      }),
    );
    expect((await run(`cancel ${r.jobId}`)).text).toBe(`No job with id ${r.jobId}.`);
  });

  it('jobs lists what was queued, newest first', async () => {
    const r = await run('suspend web-1@vz-1');
    const list = renderBlocks((await run('jobs host=vz-1 state=queued')).blocks);
    expect(list.split('\n')[0]).toContain(`${r.jobId} suspend web-1 on vz-1 by alice`);
  });
});
