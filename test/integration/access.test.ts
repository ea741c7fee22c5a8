/**
 * Access control end to end on the dispatcher with real workers: each rule of the policy as its
 * own case, approvals (self, non-approver, out of scope, quorum, deny, expiry), what the worker
 * refuses, the audit trail and rate limits on people.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { createBotCore } from '../../src/bot/core.js';
import { createPipeline } from '../../src/bot/pipeline/create.js';
import type { SignedJob } from '../../src/model/request.js';
import { sign } from '../../src/model/signing.js';
import { ApprovalStore } from '../../src/store/approvals.js';
import { AuditLog } from '../../src/store/audit.js';
import { hostQueueName, Keys } from '../../src/store/keys.js';
import { LOOSE_LIMITS, TEST_JOB_KEY, testConfig } from '../helpers/config.js';
import { captureLog, type Pipeline, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';
import { drawn } from '../helpers/reply.js';

const redis = useRedis();
let p: Pipeline;

const POLICY = {
  grants: [
    { name: 'admins', users: ['root', 'rita'], roles: ['admin', 'approver'] },
    { name: 'approvers', users: ['bob', 'carol'], roles: ['approver', 'viewer'] },
    { name: 'us-approver', users: ['dave'], roles: ['approver'], hostGroups: ['us'] },
    { name: 'team-a', users: ['alice'], roles: ['operator'], hostGroups: ['eu'], guests: ['web-*'] },
    { name: 'public-readers', channels: ['C0PUBLIC'], roles: ['viewer'] },
  ],
  channels: { C0PUBLIC: { verbs: ['help', 'list', 'status'] } },
  approvals: { quorum: { revert: 2 }, expiry: '30m', require: ['reboot'] },
};

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redis.url,
    hosts: {
      'vz-eu': {
        containers: [
          { ctid: 101, name: 'web-1', running: false },
          { ctid: 102, name: 'web-2', running: true },
          { ctid: 103, name: 'db-1', running: true },
          { ctid: 104, name: 'web-3', running: true },
        ],
      },
      'vz-us': { containers: [{ ctid: 201, name: 'web-9', running: true }] },
    },
    config: {
      access: { policy: POLICY },
      hosts: { 'vz-eu': { group: 'eu' }, 'vz-us': { group: 'us' } },
    },
  });
  await waitUntil(
    async () => (await p.core.fleet.inventories(['vz-eu', 'vz-us'])).size === 2,
    10_000,
    'inventories',
  );
}, 60_000);
afterAll(async () => {
  await p?.close();
});

const as = async (user: string, text: string, channel = 'C0OPS') =>
  drawn(await p.dispatcher.dispatch({ text, user, channel, origin: 'test' }));

describe('the policy', () => {
  it('denies by default, saying which rule denied', async () => {
    const r = await as('mallory', 'start web-1');
    expect(r.code).toBe('DENIED');
    expect(r.text).toContain('you have no role in the access policy (default deny)');
    expect(JSON.stringify(r.blocks)).toContain('Rule: default deny');
  });

  it('an operator in scope starts a guest at once, with no approval', async () => {
    const r = await as('alice', 'start web-1');
    expect(r.jobId).toBeDefined();
    expect((await p.sink.final(r.jobId!)).view.phase).toBe('done');
  });

  it('scope by pattern: a guest outside it answers like an unknown one', async () => {
    const hidden = await as('alice', 'stop db-1');
    const unknown = await as('alice', 'stop nope-1');
    expect(hidden.code).toBe('GUEST_NOT_FOUND');
    expect(unknown.code).toBe('GUEST_NOT_FOUND');
    expect(hidden.text).toMatch(/^No guest named "db-1"\./);
    expect(unknown.text).toMatch(/^No guest named "nope-1"\./);
    // Suggestions come only from guests in scope.
    expect(hidden.text + unknown.text).not.toContain('db-1"?');
    // list shows only what is in scope
    const list = await as('alice', 'list');
    expect(JSON.stringify(list.blocks)).toContain('web-2');
    expect(JSON.stringify(list.blocks)).not.toContain('db-1');
  });

  it('scope by host group: web-9 on the us host is outside team-a’s eu scope', async () => {
    const r = await as('alice', 'start web-9');
    expect(r.code).toBe('GUEST_NOT_FOUND');
    expect(JSON.stringify((await as('alice', 'list')).blocks)).not.toContain('web-9');
  });

  it('a role too weak for the verb is told what it may do and what the verb needs', async () => {
    const r = await as('alice', 'destroy web-2');
    expect(r.code).toBe('DENIED');
    expect(r.text).toContain('destroy needs admin');
  });

  it('channel restrictions: a channel grant applies there, and its verb list limits everyone', async () => {
    const read = await as('mallory', 'list', 'C0PUBLIC');
    expect(read.ok).toBe(true);
    const start = await as('alice', 'start web-2', 'C0PUBLIC');
    expect(start.code).toBe('DENIED');
    expect(start.text).toContain(
      'is not allowed in this channel (policy channels.C0PUBLIC: allows help, list, status)',
    );
    expect((await as('mallory', 'list', 'C0OTHER')).code).toBe('DENIED');
  });

  it('help lists only what the caller may run', async () => {
    const alice = JSON.stringify((await as('alice', 'help')).blocks);
    expect(alice).toContain('/vps start');
    expect(alice).not.toContain('/vps destroy');
    const pub = JSON.stringify((await as('mallory', 'help', 'C0PUBLIC')).blocks);
    expect(pub).toContain('/vps list');
    expect(pub).not.toContain('/vps start');
    expect(JSON.stringify((await as('mallory', 'help')).blocks)).toContain(
      'you may not run any command here',
    );
  });

  it('a denied command writes an audit entry with the reason', async () => {
    await as('eve', 'destroy web-2');
    const { entries } = await p.core.audit.query({ user: 'eve', limit: 10 });
    expect(entries[0]).toMatchObject({ type: 'command', outcome: 'denied', text: 'destroy web-2' });
    expect((entries[0] as { reason: string }).reason).toContain('default deny');
  });
});

describe('approvals', () => {
  /** Asks for a destroy as root; returns the approval id. */
  async function ask(text = 'destroy web-3'): Promise<string> {
    const r = await as('root', text);
    expect(r.approvalId, r.text).toBeDefined();
    expect(r.text).toContain('needs approval');
    return r.approvalId!;
  }

  it('self-approval is refused', async () => {
    const id = await ask();
    const r = await as('root', `approve ${id}`);
    expect(r.code).toBe('DENIED');
    expect(r.text).toContain('cannot approve your own request');
    await as('root', `deny ${id} reason=withdrawn`);
  });

  it('a non-approver is refused', async () => {
    const id = await ask();
    const r = await as('alice', `approve ${id}`);
    expect(r.code).toBe('DENIED');
    await as('bob', `deny ${id} reason=cleanup`);
  });

  it('an approver outside the target’s scope is refused', async () => {
    const id = await ask();
    const r = await as('dave', `approve ${id}`);
    expect(r.code).toBe('DENIED');
    expect(r.text).toContain('no grant makes you an approver for web-3 on vz-eu');
    await as('bob', `deny ${id} reason=cleanup`);
  });

  it('Deny with a reason ends it; the card says who and why, and nothing runs', async () => {
    const id = await ask();
    const r = await as('carol', `deny ${id} reason="take a snapshot first"`);
    expect(r.text).toContain('Denied');
    const card = await waitUntil(
      () => p.sink.approvals.find((n) => n.record.id === id && n.record.status === 'denied'),
      5_000,
      'the denied card',
    );
    expect(card.record.denial).toMatchObject({ user: 'carol', reason: 'take a snapshot first' });
    expect((await as('bob', `approve ${id}`)).text).toContain('already denied');
    expect(await p.host('vz-eu').ctl.isRunning(104)).toBe(true);
  });

  it('expiry: an unapproved request lapses, its card says so, and a late approval is refused', async () => {
    const id = await ask();
    // The test moves the request's clock: it expired a moment ago.
    const key = `vpsops:approval:${id}`;
    const state = JSON.parse((await p.core.redis.get(key))!);
    const past = Date.now() - 1;
    await p.core.redis.set(key, JSON.stringify({ ...state, expiresAt: past }), 'KEEPTTL');
    await p.core.redis.zadd('vpsops:approvals:pending', past, id);
    expect(await p.core.approvals.sweep()).toBe(1);
    await waitUntil(
      () => p.sink.approvals.find((n) => n.record.id === id && n.record.status === 'expired'),
      5_000,
      'the expired card',
    );
    const late = await as('bob', `approve ${id}`);
    expect(late.code).toBe('APPROVAL');
    const { entries } = await p.core.audit.query({ type: 'approval', limit: 20 });
    expect(
      entries.some((e) => e.type === 'approval' && e.approvalId === id && e.decision === 'expired'),
    ).toBe(true);
  });

  it('a destroy runs exactly as requested once a different approver approves', async () => {
    const id = await ask();
    const r = await as('bob', `approve ${id}`);
    expect(r.jobId).toBe(id);
    expect((await p.sink.final(id)).view.phase).toBe('done');
    expect(
      await p.core.fleet.inventories(['vz-eu']).then((m) => m.get('vz-eu')!.guests.map((g) => g.name)),
    ).not.toContain('web-3');
    const trail = (await p.core.audit.query({ limit: 50 })).entries.filter(
      (e) => 'requestId' in e && e.requestId === id,
    );
    expect(
      trail.map(
        (e) =>
          `${e.type}:${'outcome' in e ? e.outcome : 'decision' in e ? e.decision : 'phase' in e ? e.phase : ''}`,
      ),
    ).toEqual(
      expect.arrayContaining(['command:approval-requested', 'approval:approved', 'job:start', 'job:end']),
    );
  });

  it('quorum of 2: one approval is not enough, the second runs it', async () => {
    const snap = await as('root', 'snapshot web-2 name=before');
    expect((await p.sink.final(snap.jobId!)).view.phase).toBe('done');
    const r = await as('root', 'revert web-2 snapshot=before');
    const id = r.approvalId!;
    const first = await as('bob', `approve ${id}`);
    expect(first.jobId).toBeUndefined();
    expect(first.text).toContain('1 of 2');
    expect((await as('bob', `approve ${id}`)).text).toContain('already approved');
    const second = await as('carol', `approve ${id}`);
    expect(second.jobId).toBe(id);
  });
});

describe('what the worker refuses', () => {
  it('a destroy job that carries no approval, even correctly signed', async () => {
    const q = new Queue<SignedJob>(hostQueueName('vz-eu'), { connection: p.core.redis, prefix: 'vpsops' });
    const request = {
      v: 1 as const,
      id: 'forged0destroy',
      op: 'destroy',
      host: 'vz-eu',
      target: { kind: 'guest' as const, host: 'vz-eu', guestId: '102', guestName: 'web-2' },
      args: {},
      user: 'mallory',
      origin: 'test',
      issuedAt: Date.now(),
    };
    await q.add('destroy', sign(request, TEST_JOB_KEY), { jobId: request.id });
    const job = await waitUntil(
      async () => {
        // Read the job again once it is failed: a copy read just before may lack the reason.
        if ((await q.getJobState(request.id)) !== 'failed') return undefined;
        return q.getJob(request.id);
      },
      10_000,
      'the refusal',
    ).catch(async (err) => {
      const j = await q.getJob(request.id);
      throw new Error(`${err}; job state ${await j?.getState()} ${j?.failedReason ?? ''}`);
    });
    expect(job!.failedReason).toContain('needs an approval and the job carries none');
    expect(await p.host('vz-eu').ctl.isRunning(102)).toBe(true);
    await q.close();
  });

  it('a job edited in Redis after approval: its signature no longer matches', async () => {
    await p.host('vz-eu').stop();
    try {
      const r = await as('root', 'reboot web-2');
      const id = r.approvalId!;
      expect((await as('bob', `approve ${id}`)).jobId).toBe(id);
      // Someone with write access to Redis points the approved job at another guest.
      const key = `vpsops:${hostQueueName('vz-eu')}:${id}`;
      const data = JSON.parse((await p.core.redis.hget(key, 'data'))!) as SignedJob;
      data.request.target = { ...data.request.target, guestId: '103', guestName: 'db-1' };
      await p.core.redis.hset(key, 'data', JSON.stringify(data));
    } finally {
      await p.host('vz-eu').start();
    }
    const log = p.host('vz-eu').log.entries;
    await waitUntil(
      () => log.some((e) => e.security && String(e.why).includes('signature')),
      10_000,
      'the refusal',
    );
  });

  it('a signed job that is not the request that was approved (the approval’s hash)', async () => {
    const r = await as('root', 'reboot web-2');
    const id = r.approvalId!;
    // Hold the worker so the approved job waits, then queue a different request under the same approval.
    await p.host('vz-eu').stop();
    try {
      await as('bob', `approve ${id}`);
      const rec = JSON.parse((await p.core.redis.get(`vpsops:approval:${id}`))!) as { hash: string };
      const q = new Queue<SignedJob>(hostQueueName('vz-eu'), { connection: p.core.redis, prefix: 'vpsops' });
      const req = JSON.parse((await p.core.redis.get(`vpsops:approval:${id}:request`))!);
      const other = {
        ...req,
        id: 'swapped0target',
        target: { ...req.target, guestId: '103', guestName: 'db-1' },
        approval: { id, hash: rec.hash },
      };
      await q.add('reboot', sign(other, TEST_JOB_KEY), { jobId: other.id });
      await q.close();
    } finally {
      await p.host('vz-eu').start();
    }
    const log = p.host('vz-eu').log.entries;
    await waitUntil(
      () =>
        log.some((e) => e.security && String(e.why).includes(`not the request that approval ${id} approved`)),
      10_000,
      'the refusal',
    );
  });
});

describe('the audit trail', () => {
  it('when the audit write fails, the request fails with a clear message and nothing is queued', async () => {
    const dead = new Redis(redis.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
    });
    const d = createPipeline({
      config: p.config,
      catalogue,
      fleet: p.core.fleet,
      jobs: p.core.jobs,
      jobKey: TEST_JOB_KEY,
      log: captureLog('silent').logger,
      access: p.core.policy.policy,
      audit: new AuditLog(dead, new Keys('vpsops')),
      approvals: new ApprovalStore(p.core.redis, new Keys('vpsops')),
      notify: p.core.notify,
    }).pipeline;
    const before = await p.core.jobs.queue('vz-eu').count();
    const r = await d.dispatch({ text: 'start web-2', user: 'alice', channel: 'C0OPS', origin: 'test' });
    expect(r.ok).toBe(false);
    expect(r.text).toContain('The audit trail could not be written, so nothing was done');
    expect(await p.core.jobs.queue('vz-eu').count()).toBe(before);
  });
});

describe('rate limits on people', () => {
  it('a person over the command limit is told to slow down, with how long, and nothing runs', async () => {
    const config = testConfig({
      redis: { url: redis.url },
      hosts: p.config.hosts,
      access: { policy: POLICY },
      rateLimits: { ...LOOSE_LIMITS, commands: { perUser: 2, perChannel: 100, window: '1m' } },
    });
    const core = createBotCore(config, captureLog('silent').logger);
    try {
      const go = (text: string) =>
        core.pipeline.dispatch({ text, user: 'rita', channel: 'C0RL', origin: 'test' });
      expect((await go('start web-1')).code).not.toBe('RATE_LIMITED');
      expect((await go('start web-1')).code).not.toBe('RATE_LIMITED');
      const third = await go('start web-1');
      expect(third.code).toBe('RATE_LIMITED');
      expect(third.text).toMatch(/^Slow down: try again in \d+ s\.$/);
      expect(third.jobId).toBeUndefined();
      // Reads have their own, looser limit.
      expect((await go('list')).ok).toBe(true);
      const { entries } = await core.audit.query({ user: 'rita', limit: 5 });
      expect(
        entries.some(
          (e) => e.type === 'command' && e.outcome === 'rate-limited' && e.code === 'RATE_LIMITED',
        ),
      ).toBe(true);
    } finally {
      await core.close();
    }
  });
});
