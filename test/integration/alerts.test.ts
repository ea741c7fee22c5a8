/**
 * Alerts from a simulated OpenVZ host with its real worker: a crash (with a Start button), a stop
 * of ours that raises nothing, the host going silent and coming back, overcommit by creating
 * containers past the host's RAM with the create that would pass the critical ratio held for
 * approval, and maintenance muting a host and keeping it to admins.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertWatch, watchAlerts } from '../helpers/alerts.js';
import { type Pipeline, sleep, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const execFileAsync = promisify(execFile);
const redis = useRedis();
let p: Pipeline;
let w: AlertWatch;

const POLICY = {
  grants: [
    { name: 'admins', users: ['root'], roles: ['admin', 'approver'] },
    { name: 'approvers', users: ['bob'], roles: ['approver'] },
    { name: 'ops', users: ['alice'], roles: ['operator'] },
  ],
};

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redis.url,
    notifier: false,
    hosts: {
      'vz-1': {
        containers: [
          { ctid: 101, name: 'web-1', running: true },
          { ctid: 102, name: 'web-2', running: true },
        ],
        memMiB: 4096,
      },
    },
    config: { access: { policy: POLICY } },
  });
  w = watchAlerts(p);
  await waitUntil(async () => (await p.core.fleet.inventories(['vz-1'])).get('vz-1'), 10_000, 'inventory');
}, 60_000);
afterAll(async () => {
  await w?.close();
  await p?.close();
});

const about = (fp: string) => w.about(fp);
const waitEvent: AlertWatch['waitEvent'] = (fp, ok, what) => w.waitEvent(fp, ok, what);

describe('alerts', () => {
  it('a crash raises a critical alert with a Start button; starting the guest resolves it', async () => {
    await p.host('vz-1').ctl.crash(101);
    const e = await waitEvent('crash:vz-1:101', (x) => x.state.status === 'open', 'the crash alert');
    expect(e.state).toMatchObject({ kind: 'crash', severity: 'critical', host: 'vz-1', guest: 'web-1' });
    expect(e.state.title).toBe('web-1 (101) crashed on vz-1');
    const { alertBlocks } = await import('../../src/chat/view/alert-card.js');
    expect(JSON.stringify(alertBlocks(e.state, Date.now()))).toContain('"value":"web-1@vz-1"');
    const r = await p.run('/vps start web-1', { user: 'alice' });
    expect((await p.sink.final(r.jobId!)).view.phase).toBe('done');
    await w.manager.evaluate();
    const resolved = await waitEvent(
      'crash:vz-1:101',
      (x) => x.state.status === 'resolved',
      'the resolution',
    );
    expect(resolved.note).toBe('resolved: web-1 is running again');
  });

  it('a guest stopped by /vps stop raises nothing', async () => {
    const before = w.events.length;
    const r = await p.run('/vps stop web-2', { user: 'alice' });
    expect((await p.sink.final(r.jobId!)).view.phase).toBe('done');
    // Positive control: web-2 started behind our back is news only the watcher brings (it refreshes
    // the inventory on it), so once the inventory shows it running the watcher has polled since the
    // stop. Our second stop (to leave web-2 as the later tests expect) queues its notices behind any
    // the watcher sent about the first.
    await execFileAsync(p.host('vz-1').sim.vzctl, ['start', '102']);
    await waitUntil(
      async () =>
        (await p.core.fleet.inventories(['vz-1'])).get('vz-1')?.guests.find((g) => g.id === '102')?.state ===
        'running',
      10_000,
      'the watcher to see web-2 running again',
    );
    const again = await p.run('/vps stop web-2', { user: 'alice' });
    expect((await p.sink.final(again.jobId!)).view.phase).toBe('done');
    expect(w.events.slice(before).filter((e) => e.state.guest === 'web-2')).toEqual([]);
  });

  it('a host whose worker stops goes silent, listing what ran there; its return resolves it', async () => {
    await p.host('vz-1').stop();
    try {
      // Silent means no heartbeat: the worker removes it as it signs off.
      await waitUntil(
        async () => (await p.core.redis.exists(p.core.keys.heartbeat('vz-1'))) === 0,
        5_000,
        'the heartbeat to be gone',
      );
      await w.manager.evaluate();
      const e = await waitEvent('host-silent:vz-1', (x) => x.state.status === 'open', 'host silent');
      expect(e.state.severity).toBe('critical');
      expect(e.state.title).toMatch(/^host vz-1 is not reporting since \d{4}-/);
      expect(e.state.text, e.state.text).toContain('web-1');
      // Still silent at the next check: the same alert counts it, and nothing is posted or edited.
      const repeats = w.quiet('host-silent:vz-1').length;
      await w.manager.evaluate();
      expect(about('host-silent:vz-1')).toEqual([e]);
      expect(w.quiet('host-silent:vz-1').slice(repeats)).toMatchObject([{ why: 'unchanged' }]);
      expect((await p.core.alerts.get('host-silent:vz-1'))!.count).toBe(2);
    } finally {
      await p.host('vz-1').start();
    }
    await w.manager.evaluate();
    const back = await waitEvent('host-silent:vz-1', (x) => x.state.status === 'resolved', 'host back');
    expect(back.note).toMatch(/vz-1 is reporting again after [\d.]+m?s of silence\./);
  });

  it('creating containers past the host’s RAM: warning, then a create held for approval with the numbers, then critical', async () => {
    // 4 GiB of RAM, 1.5G promised: a 1.5G container takes it to the warning ratio.
    for (const n of ['oc-1']) {
      const r = await p.run(`/vps create ${n} host=vz-1 memory=1536M disk=10G`, { user: 'root' });
      expect(r.jobId, r.text).toBeDefined();
      expect((await p.sink.final(r.jobId!)).view.phase).toBe('done');
    }
    await w.manager.evaluate();
    const warn = await waitEvent(
      'overcommit:vz-1:memory',
      (x) => x.state.status === 'open',
      'the memory warning',
    );
    expect(warn.state.severity).toBe('warning');
    const held = await p.run('/vps create oc-2 host=vz-1 memory=1536M disk=10G', { user: 'root' });
    expect(held.approvalId, held.text).toBeDefined();
    expect(held.text).toMatch(/needs approval \(takes vz-1 RAM to \d+\.\d\dx, policy 1\.20x\)/);
    const ok = await p.run(`/vps approve ${held.approvalId}`, { user: 'bob' });
    expect((await p.sink.final(ok.jobId!)).view.phase).toBe('done');
    await w.manager.evaluate();
    const crit = await waitEvent(
      'overcommit:vz-1:memory',
      (x) => x.state.severity === 'critical' && x.note === 'escalated to critical',
      'the escalation',
    );
    expect(crit.state.title).toMatch(/vz-1 RAM overcommitted \d+\.\d\dx \(critical\)/);
  });

  it('maintenance mutes the host’s alerts and keeps its operations to admins', async () => {
    const on = await p.run('/vps maintenance vz-1 on for=1h reason="kernel update"', { user: 'root' });
    expect(on.text).toContain('vz-1 is in maintenance for 1h');
    const denied = await p.run('/vps start web-2', { user: 'alice' });
    expect(denied.code).toBe('DENIED');
    expect(denied.text).toContain('vz-1 is in maintenance until');
    expect(denied.text).toContain('kernel update');
    const before = w.events.length;
    await p.host('vz-1').ctl.crash(101);
    // The positive control: the crash reached the alert manager, which kept it out of chat.
    await w.waitQuiet('crash:vz-1:101', 'maintenance', 'the crash muted by maintenance');
    expect(w.events.slice(before).filter((e) => e.state.kind === 'crash')).toEqual([]);
    const list = await p.run('/vps alerts', { user: 'alice' });
    expect(JSON.stringify(list.blocks)).toContain('in maintenance until');
    await p.run('/vps maintenance vz-1 off', { user: 'root' });
    await sleep(2_100);
    const allowed = await p.run('/vps start web-2', { user: 'alice' });
    expect(allowed.jobId).toBeDefined();
    // Over, not just under way: while it runs, the worker takes web-2 stopping for our doing.
    expect((await p.sink.final(allowed.jobId!)).view.phase).toBe('done');
  });

  it('/vps silence mutes one guest’s alerts for a while, and says until when', async () => {
    await waitUntil(() => p.host('vz-1').ctl.isRunning(102), 10_000, 'web-2 running');
    const r = await p.run('/vps silence host=vz-1 guest=web-2 for=30m reason="migration"', { user: 'alice' });
    expect(r.text).toMatch(/Alerts for web-2 on vz-1 are muted for 30m, until \d{4}-.*\(migration\)/);
    const before = w.events.length;
    await p.host('vz-1').ctl.crash(102);
    // The positive control: the crash reached the alert manager, which kept it out of chat.
    await w.waitQuiet('crash:vz-1:102', 'silenced', 'the crash muted by the silence');
    expect(w.events.slice(before).filter((e) => e.state.guest === 'web-2')).toEqual([]);
    expect((await p.run('/vps silence for=1h', { user: 'alice' })).text).toContain('silence needs host=NAME');
  });

  it('the daily digest: capacity and the last day’s incidents, claimed once per day', async () => {
    const { claimDigest, digestOf } = await import('../../src/bot/alerts/digest.js');
    const { digestBlocks } = await import('../../src/chat/view/digest.js');
    const now = Date.UTC(2026, 10, 25, 9, 0);
    expect(await claimDigest(p.core.redis, p.core.keys, '08:00', Date.UTC(2026, 10, 25, 7, 59))).toBe(false);
    expect(await claimDigest(p.core.redis, p.core.keys, '08:00', now)).toBe(true);
    expect(await claimDigest(p.core.redis, p.core.keys, '08:00', now + 60_000)).toBe(false);
    const blocks = JSON.stringify(
      digestBlocks(
        await digestOf({
          config: p.config,
          fleet: p.core.fleet,
          store: p.core.alerts,
          now: Date.now(),
        }),
      ),
    );
    expect(blocks).toContain('vpsops daily digest');
    expect(blocks).toContain('RAM');
    expect(blocks).toMatch(/Incidents in the last 24 h\*: \d+ open, \d+ resolved/);
    expect(blocks).toContain('web-1 (101) crashed on vz-1');
  });

  it('a job that fails for good raises an alert that also goes to the requester’s thread', async () => {
    await waitUntil(async () => !(await p.host('vz-1').ctl.isRunning(101)), 10_000, 'web-1 stopped');
    await p
      .host('vz-1')
      .ctl.inject({ action: 'start', ctid: 101, exitCode: 1, stderr: 'Unable to start: boom', times: 1 });
    const r = await p.run('/vps start web-1', { user: 'alice' });
    expect((await p.sink.final(r.jobId!)).view.phase).toBe('failed');
    const e = await waitEvent(`job-failed:vz-1:${r.jobId}`, () => true, 'the failed-job alert');
    expect(e.jobRequestId).toBe(r.jobId);
    expect(e.state).toMatchObject({ kind: 'job-failed', severity: 'warning' });
    expect(e.state.text).toContain(`Job ${r.jobId} (start web-1 (101), asked by alice) failed`);
  });
});
