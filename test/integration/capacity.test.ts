/** `/vps capacity` through the dispatcher against a real redis-server, from what workers published. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { createPipeline } from '../../src/bot/pipeline/create.js';
import type { Pipeline } from '../../src/bot/pipeline/pipeline.js';
import { loadAccessPolicy } from '../../src/bot/policy/file.js';
import { replyBlocks } from '../../src/chat/view/reply.js';
import { renderBlocks } from '../../src/chat/view/text.js';
import type { Config } from '../../src/config/schema.js';
import { createLogger } from '../../src/log.js';
import type { Guest } from '../../src/model/hypervisor.js';
import { ApprovalStore } from '../../src/store/approvals.js';
import { AuditLog } from '../../src/store/audit.js';
import { FleetStore } from '../../src/store/fleet.js';
import { JobStore } from '../../src/store/jobs.js';
import { Keys } from '../../src/store/keys.js';
import { NotifyPublisher } from '../../src/store/notify.js';
import { TEST_JOB_KEY, testConfig } from '../helpers/config.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
const G = 1024 ** 3;

const guest = (
  id: string,
  state: Guest['state'],
  vcpus: number,
  memG: number,
  diskG: number,
  swapG?: number,
) => {
  const g: Guest = {
    id,
    name: `ct-${id}`,
    state,
    vcpus,
    memoryBytes: memG * G,
    diskBytes: diskG * G,
    ips: [],
  };
  if (swapG !== undefined) g.swapBytes = swapG * G;
  return g;
};

const HOSTS = {
  'vz-1': { kind: 'openvz', group: 'eu' },
  'kvm-a': { kind: 'kvm', group: 'us' },
  'vz-9': { kind: 'openvz', group: 'eu' },
};
// Only eu may see: a viewer whose grant is scoped to the eu host group.
const EU_ONLY = {
  grants: [
    { name: 'tests-everyone', users: ['alice'], roles: ['admin'] },
    { name: 'eu-viewers', users: ['bob'], roles: ['viewer'], hostGroups: ['eu'] },
  ],
};

let redis: Redis;
let jobs: JobStore;
let notify: NotifyPublisher;
let fleet: FleetStore;
const closers: (() => Promise<void>)[] = [];

function dispatcherFor(c: Config): Pipeline {
  const keys = new Keys('vpsops');
  const js = new JobStore(redis, keys, c, notify);
  closers.push(() => js.close());
  return createPipeline({
    config: c,
    catalogue,
    fleet,
    jobs: js,
    jobKey: TEST_JOB_KEY,
    log: createLogger('silent'),
    access: loadAccessPolicy(c, new Set(catalogue.keys())).policy,
    audit: new AuditLog(redis, keys),
    approvals: new ApprovalStore(redis, keys),
    notify,
  }).pipeline;
}

const ask = async (d: Pipeline, text: string, user = 'alice') => {
  const reply = await d.dispatch({ text, user, channel: 'C1', origin: 'test' });
  return { reply, text: renderBlocks(replyBlocks(reply)) };
};

let open: Pipeline;

beforeAll(async () => {
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const keys = new Keys('vpsops');
  fleet = new FleetStore(redis, keys);
  notify = new NotifyPublisher(redis, 'vpsops');
  const c = testConfig({
    hosts: HOSTS,
    // us sells more CPU time per thread than the default allows.
    alerts: { overcommit: { groups: { us: { cpu: { warn: 8, critical: 12 } } } } },
  });
  jobs = new JobStore(redis, keys, c, notify);
  open = dispatcherFor(c);
  const now = Date.now();
  const reg = (host: string, kind: 'openvz' | 'kvm', group: string) =>
    fleet.register({
      host,
      kind,
      group,
      capacity: { cpus: 8, memoryBytes: 32 * G, swapBytes: 8 * G, diskBytes: 1024 * G },
      versions: {},
      pid: 1,
      startedAt: now,
    });
  await reg('vz-1', 'openvz', 'eu');
  await reg('kvm-a', 'kvm', 'us');
  // vz-1: 42G of RAM and swap promised on 32G, the stopped container included.
  await fleet.publishInventory({
    host: 'vz-1',
    at: now,
    guests: [guest('101', 'running', 2, 16, 200, 8), guest('102', 'stopped', 2, 16, 200, 2)],
  });
  // kvm-a: 40 vCPUs on 8 threads, fine for the us policy; its worker has gone silent.
  await fleet.publishInventory({
    host: 'kvm-a',
    at: now - 120_000,
    guests: [guest('web', 'running', 32, 8, 400), guest('db', 'running', 8, 8, 400)],
  });
  await fleet.heartbeat('vz-1', 60_000);
});

afterAll(async () => {
  for (const close of closers) await close();
  await jobs.close();
  await notify.close();
  redis.disconnect();
});

describe('/vps capacity', () => {
  it('shows every host with ratio bars, amounts, level and the policy of its group', async () => {
    const { reply, text } = await ask(open, '/vps capacity');
    expect(reply.ok).toBe(true);
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toBe('Capacity: 1 critical · 0 warning · 3 hosts');
    expect(text).toContain('vz-1 · openvz · group eu · 🔴 critical: RAM');
    expect(text).toContain('RAM ▓▓▓▓▓▓▓▓▓▓ 131% 42G / 32G · critical (policy warn 1.00x, critical 1.20x)');
    expect(text).toContain('CPU ▓▓▓▓▓░░░░░ 50% 4 / 8 vCPU · ok (policy warn 4.00x, critical 6.00x)');
    expect(text).toContain('Disk ▓▓▓▓░░░░░░ 39% 400G / 1T · ok (policy warn 1.00x, critical 1.50x)');
    expect(text).toContain('kvm-a · kvm · group us · 🟢 ok');
    expect(text).toContain('CPU ▓▓▓▓▓▓▓▓▓▓ 500% 40 / 8 vCPU · ok (policy warn 8.00x, critical 12.00x)');
    expect(text).toMatch(/not reporting; figures as of 2m(\d+s)? ago/);
    expect(text).toContain(
      'vz-9 · openvz · group eu · ⚪ never seen (no worker has started for it)\ncapacity unknown until its worker registers',
    );
  });

  it('answers for one host, named after the verb or as host=', async () => {
    for (const cmd of ['/vps capacity kvm-a', '/vps capacity host=kvm-a']) {
      const { reply, text } = await ask(open, cmd);
      expect(reply.text).toBe('Capacity: 0 critical · 0 warning · 1 host');
      expect(text).toContain('kvm-a · kvm');
      expect(text).not.toContain('vz-1');
    }
  });

  it('follows countStopped: without the stopped container vz-1 is within its RAM', async () => {
    const d = dispatcherFor(
      testConfig({ hosts: HOSTS, alerts: { overcommit: { countStopped: false, groups: {} } } }),
    );
    const { text } = await ask(d, '/vps capacity host=vz-1');
    expect(text).toContain('RAM ▓▓▓▓▓▓▓▓░░ 75% 24G / 32G · ok (policy warn 1.00x, critical 1.20x)');
    expect(text).toContain('stopped guests not counted');
  });

  it('leaves out hosts the caller may not see, and treats naming one as an unknown host', async () => {
    const d = dispatcherFor(testConfig({ hosts: HOSTS, access: { policy: EU_ONLY } }));
    const { reply, text } = await ask(d, '/vps capacity', 'bob');
    expect(reply.text).toBe('Capacity: 1 critical · 0 warning · 2 hosts');
    expect(text).toContain('vz-1');
    expect(text).not.toContain('kvm-a');
    const hidden = await ask(d, '/vps capacity host=kvm-a', 'bob');
    expect(hidden.reply.ok).toBe(false);
    expect(hidden.reply.code).toBe('HOST_NOT_FOUND');
    expect((await ask(d, '/vps capacity kvm-a', 'bob')).reply.ok).toBe(false);
    expect(hidden.text).not.toContain('kvm-a ·');
  });

  it('refuses an unknown host with the hosts it knows', async () => {
    const { reply } = await ask(open, '/vps capacity host=vz-2');
    expect(reply.ok).toBe(false);
    expect(reply.code).toBe('HOST_NOT_FOUND');
  });
});
