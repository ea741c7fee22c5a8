/**
 * The Retry button goes through every stage as the person who clicked, on a target resolved
 * again by name: a guest destroyed and replaced under its CTID is not the guest retried, and a
 * maintenance window started since holds for a retry as for a typed command. And every command
 * counts against its person's rate limit first, refusals included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Pipeline, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let p: Pipeline;

const POLICY = {
  grants: [
    { name: 'admins', users: ['root'], roles: ['admin', 'approver'] },
    { name: 'approvers', users: ['bob'], roles: ['approver', 'viewer'] },
    { name: 'web-team', users: ['eve'], roles: ['operator'], guests: ['web-*'] },
    { name: 'anyone', users: ['spam'], roles: ['operator'] },
  ],
};
// Loose enough for the Retry cases, tight enough to reach with refused commands.
const PER_USER = 30;
const tight = { perUser: PER_USER, perChannel: 10_000, window: '1m' };

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redis.url,
    hosts: {
      'vz-1': {
        containers: [
          { ctid: 101, name: 'web-1', running: true },
          { ctid: 109, name: 'web-9', running: false },
        ],
      },
    },
    config: {
      access: { policy: POLICY },
      jobs: { attempts: 1 },
      rateLimits: { commands: tight },
    },
  });
  await waitUntil(async () => (await p.core.fleet.inventories(['vz-1'])).get('vz-1'), 10_000, 'inventory');
}, 60_000);
afterAll(async () => {
  await p?.close();
});

const retry = (jobId: string, user: string) =>
  p.dispatcher.retry(jobId, { user, channel: 'C-test', origin: 'test' });

/** A job of `user` that fails on the host (vzctl exits with a code nothing maps to). */
async function failed(text: string, user: string, action: string, ctid: number): Promise<string> {
  await p.host('vz-1').ctl.inject({ action, ctid, exitCode: 42, stderr: 'injected\n', times: 1 });
  const r = await p.run(text, { user });
  expect(r.jobId).toBeDefined();
  const final = await p.sink.final(r.jobId!);
  expect(final.view.phase).toBe('failed');
  return r.jobId!;
}

describe('Retry', () => {
  it('resolves the guest again: a CTID reused by another guest is not the one retried', async () => {
    const jobId = await failed('/vps start web-9', 'eve', 'start', 109);
    // web-9 goes, and db-2 comes in its CTID.
    const destroy = await p.run('/vps destroy web-9', { user: 'root' });
    expect(destroy.approvalId).toBeDefined();
    const approved = await p.run(`/vps approve ${destroy.approvalId}`, { user: 'bob' });
    expect((await p.sink.final(approved.jobId!)).view.phase).toBe('done');
    const create = await p.run('/vps create db-2 host=vz-1 id=109', { user: 'root' });
    expect((await p.sink.final(create.jobId!)).view.phase).toBe('done');
    await waitUntil(
      async () =>
        (await p.core.fleet.inventories(['vz-1'])).get('vz-1')?.guests.some((g) => g.name === 'db-2'),
      10_000,
      'db-2 in the inventory',
    );
    const r = await retry(jobId, 'eve');
    expect(r.ok).toBe(false);
    expect(r.code).toBe('GUEST_NOT_FOUND');
    expect(r.text).toContain('No guest named "web-9"');
    expect(r.jobId).toBeUndefined();
    expect(await p.host('vz-1').ctl.isRunning(109)).toBe(false);
  });

  it('holds a retry to a maintenance window started since, as a typed command', async () => {
    const jobId = await failed('/vps stop web-1', 'eve', 'stop', 101);
    const on = await p.run('/vps maintenance vz-1 on for=1h reason="kernel"', { user: 'root' });
    expect(on.ok).toBe(true);
    try {
      const typed = await p.run('/vps stop web-1', { user: 'eve' });
      const r = await retry(jobId, 'eve');
      expect(typed.code).toBe('DENIED');
      expect(r.code).toBe('DENIED');
      expect(r.text).toBe(typed.text);
      expect(r.text).toContain('vz-1 is in maintenance until');
      expect(await p.host('vz-1').ctl.isRunning(101)).toBe(true);
    } finally {
      await p.run('/vps maintenance vz-1 off', { user: 'root' });
    }
  });

  it('is a request of the person who clicked: one outside the guest’s scope cannot retry it', async () => {
    const jobId = await failed('/vps stop web-1', 'root', 'stop', 101);
    const r = await retry(jobId, 'bob');
    expect(r.code).toBe('DENIED');
    expect(r.text).toContain('stop needs operator');
  });
});

describe('rate limits', () => {
  it('count refused commands too: after enough bad ones the next good one is refused as too many', async () => {
    for (let i = 0; i < PER_USER; i++) {
      const bad = await p.run('/vps start no-such-guest', { user: 'spam' });
      expect(bad.code).toBe('GUEST_NOT_FOUND');
    }
    const good = await p.run('/vps status web-1', { user: 'spam' });
    expect(good.ok).toBe(true);
    const over = await p.run('/vps start web-1', { user: 'spam' });
    expect(over.code).toBe('RATE_LIMITED');
    expect(over.text).toMatch(/^Slow down: try again in \d+ s\.$/);
  });
});
