/**
 * The job pipeline end to end: dispatcher → signed job on the host queue → worker → OpenVZ driver
 * → simulator, and notices back through the notify queue to a recording notifier sink.
 * Needs the build first (the simulator executables run dist/).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run as exec } from '../../src/drivers/exec.js';
import type { Guest } from '../../src/model/hypervisor.js';
import type { Inventory } from '../../src/store/fleet.js';
import { type Pipeline, type RecordedJob, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redisServer = useRedis();
let p: Pipeline;

const POLL_MS = 300;

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redisServer.url,
    config: { openvz: { pollInterval: POLL_MS } },
    hosts: {
      'vz-1': {
        delays: { start: 200, stop: 200 },
        containers: [
          { ctid: 101, name: 'web-1', running: true, ips: ['10.1.0.101'] },
          { ctid: 102, name: 'app-1', running: true },
          { ctid: 103, name: 'app-2', running: false },
          { ctid: 104, name: 'dup-1', running: false },
          { ctid: 105, name: 'web-5', running: true },
          { ctid: 106, name: 'crash-1', running: true },
          { ctid: 107, name: 'quiet-1', running: true },
          { ctid: 108, name: 'flaky-1', running: false },
        ],
      },
      // A host whose worker runs one operation at a time.
      'vz-2': {
        delays: { start: 800 },
        workerConfig: { worker: { concurrency: 1 } },
        containers: [
          { ctid: 201, name: 'solo-a', running: false },
          { ctid: 202, name: 'solo-b', running: false },
        ],
      },
    },
  });
});

afterAll(async () => {
  await p?.close();
});

function stateIn(inv: Inventory | undefined, id: string): Guest['state'] | undefined {
  return inv?.guests.find((g) => g.id === id)?.state;
}

async function jobTotal(host: string): Promise<number> {
  const counts = await p.core.jobs.queue(host).getJobCounts();
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** When the operation held its guest: from its start (after the lock) to its outcome notice. */
function span(final: RecordedJob): { from: number; to: number } {
  expect(final.notice.startedAt).toBeTypeOf('number');
  return { from: final.notice.startedAt!, to: final.notice.at };
}

describe('worker pipeline', () => {
  it('stop and start run through the whole pipeline; the inventory is current when done arrives; status answers from Redis', async () => {
    const stop = await p.runToEnd('/vps stop web-1');
    expect(stop.final.view.phase).toBe('done');
    expect(stop.final.notice.result?.summary).toBe('web-1 (101) is stopped.');
    expect(stateIn(stop.final.inventory, '101')).toBe('stopped');
    expect(await p.host('vz-1').ctl.isRunning(101)).toBe(false);

    const start = await p.runToEnd('/vps start web-1');
    expect(start.final.view.phase).toBe('done');
    expect(start.final.notice.result?.summary).toBe('web-1 (101) is running.');
    expect(stateIn(start.final.inventory, '101')).toBe('running');

    // Answered from Redis: no job, and the queue holds as many jobs as before. Not timed: the
    // test's wall clock would measure the machine.
    const before = await jobTotal('vz-1');
    const status = await p.run('/vps status web-1');
    expect(status.ok).toBe(true);
    expect(status.jobId).toBeUndefined();
    expect(status.text).toBe('web-1: running');
    expect(await jobTotal('vz-1')).toBe(before);
  });

  it('two operations on one guest never overlap, while another guest runs alongside', async () => {
    const ctl = p.host('vz-1').ctl;
    await ctl.setDelay('stop', 1_000);
    await ctl.setDelay('start', 1_000);
    try {
      const first = await p.run('/vps stop app-1');
      const second = await p.run('/vps start app-1');
      const other = await p.run('/vps start app-2');
      const [a, b, c] = await Promise.all([first, second, other].map((r) => p.sink.final(r.jobId!, 15_000)));
      for (const f of [a!, b!, c!]) expect(f.view.phase).toBe('done');
      const [sa, sb, sc] = [span(a!), span(b!), span(c!)];
      // Each held its guest for about the simulated second.
      expect(sa.to - sa.from).toBeGreaterThanOrEqual(900);
      expect(sb.to - sb.from).toBeGreaterThanOrEqual(900);
      // The second operation on app-1 began only after the first had finished.
      expect(sb.from).toBeGreaterThanOrEqual(sa.to);
      // app-2 ran at the same time as the first operation on app-1.
      expect(sc.from).toBeLessThan(sa.to);
      expect(sc.to).toBeGreaterThan(sa.from);
      expect(await ctl.isRunning(102)).toBe(true);
      expect(await ctl.isRunning(103)).toBe(true);
    } finally {
      await ctl.setDelay('stop', 200);
      await ctl.setDelay('start', 200);
    }
  });

  it('worker.concurrency=1 runs operations on different guests one after the other', async () => {
    const a = await p.run('/vps start solo-a');
    const b = await p.run('/vps start solo-b');
    const [fa, fb] = await Promise.all([p.sink.final(a.jobId!, 10_000), p.sink.final(b.jobId!, 10_000)]);
    expect(fa.view.phase).toBe('done');
    expect(fb.view.phase).toBe('done');
    const [sa, sb] = [span(fa), span(fb)].sort((x, y) => x.from - y.from);
    expect(sa!.to - sa!.from).toBeGreaterThanOrEqual(700);
    expect(sb!.from).toBeGreaterThanOrEqual(sa!.to);
  });

  it('the same request id dispatched twice runs once', async () => {
    const id = 'samereq0001';
    const [r1, r2] = await Promise.all([
      p.run('/vps start dup-1', { requestId: id }),
      p.run('/vps start dup-1', { requestId: id }),
    ]);
    expect(r1.jobId).toBe(id);
    expect(r2.jobId).toBe(id);
    const final = await p.sink.final(id);
    expect(final.view.phase).toBe('done');
    // Once more after it finished: were it run again, start would fail (already running).
    expect((await p.run('/vps start dup-1', { requestId: id })).jobId).toBe(id);
    // Positive control: a job queued after it on the same guest has run, so a second run of the
    // request would have been taken, and told, before it.
    const marker = await p.runToEnd('/vps status dup-1 refresh=yes');
    expect(marker.final.notice.result?.summary).toBe('dup-1 is running.');
    const phases = p.sink.phases(id);
    expect(phases.filter((ph) => ph === 'done')).toHaveLength(1);
    expect(phases).not.toContain('failed');
    const job = await p.core.jobs.queue('vz-1').getJob(id);
    expect(await job!.getState()).toBe('completed');
    expect(job!.attemptsMade).toBe(1);
  });

  it('list and status with refresh=yes go through the worker and return live data', async () => {
    // A change made behind vpsops' back: no event, so the inventory in Redis does not know it yet.
    const set = await exec(p.host('vz-1').sim.vzctl, [
      'set',
      '105',
      '--description',
      'changed-live',
      '--save',
    ]);
    expect(set.exitCode).toBe(0);
    const cached = (await p.core.fleet.inventories(['vz-1'])).get('vz-1');
    expect(cached?.guests.find((g) => g.id === '105')?.description).not.toBe('changed-live');

    const status = await p.runToEnd('/vps status web-5 refresh=yes');
    expect(status.reply.jobId).toBeDefined();
    expect(status.final.view.phase).toBe('done');
    expect(status.final.notice.result?.summary).toBe('web-5 is running.');
    const seen = status.final.notice.result?.view;
    expect(seen?.kind === 'guest' ? seen.guest : undefined).toMatchObject({
      id: '105',
      name: 'web-5',
      state: 'running',
      description: 'changed-live',
    });

    const list = await p.runToEnd('/vps list host=vz-1 refresh=yes');
    expect(list.final.view.phase).toBe('done');
    const listed = list.final.notice.result?.view;
    const guests = listed?.kind === 'guests' ? listed.rows.map((r) => r.guest) : [];
    expect(guests.map((g) => g.id).sort()).toEqual(['101', '102', '103', '104', '105', '106', '107', '108']);
    expect(guests.find((g) => g.id === '105')?.description).toBe('changed-live');
    expect(list.final.notice.result?.summary).toBe('8 guests on vz-1 (asked just now).');
    for (const r of [status.reply, list.reply]) {
      const job = await p.core.jobs.queue('vz-1').getJob(r.jobId!);
      expect(await job!.getState()).toBe('completed');
    }
  });

  it('a guest that dies on its own raises a guest notice; a stop we asked for does not', async () => {
    const ctl = p.host('vz-1').ctl;
    const since = Date.now();
    await ctl.crash(106);
    const crashed = await p.sink.guestNotice('106', { event: 'stopped', after: since });
    expect(crashed.notice).toMatchObject({
      kind: 'guest',
      host: 'vz-1',
      guestId: '106',
      guestName: 'crash-1',
      event: 'stopped',
    });
    // The watcher stamps the poll that saw it: after the crash, so it is this crash.
    expect(crashed.notice.at).toBeGreaterThanOrEqual(since);

    const stop = await p.runToEnd('/vps stop quiet-1');
    expect(stop.final.view.phase).toBe('done');
    expect(await ctl.isRunning(107)).toBe(false);
    // Positive control: quiet-1 started behind our back is news only the watcher brings (it
    // refreshes the inventory on it), so once the inventory shows it running the watcher has polled
    // since our stop; a job after that queues its notices behind anything that poll sent.
    expect((await exec(p.host('vz-1').sim.vzctl, ['start', '107'])).exitCode).toBe(0);
    await waitUntil(
      async () => stateIn((await p.core.fleet.inventories(['vz-1'])).get('vz-1'), '107') === 'running',
      10_000,
      'the watcher to see quiet-1 running again',
    );
    expect((await p.runToEnd('/vps status quiet-1 refresh=yes')).final.view.phase).toBe('done');
    expect(p.sink.guests('107')).toEqual([]);
    expect(p.sink.guests().map((g) => g.notice.guestId)).toEqual(['106']);
  });

  it('a guest that dies right after our own start is still reported', async () => {
    const start = await p.runToEnd('/vps start flaky-1');
    expect(start.final.view.phase).toBe('done');
    const since = Date.now();
    await p.host('vz-1').ctl.crash(108);
    const died = await p.sink.guestNotice('108', { event: 'stopped', after: since });
    expect(died.notice).toMatchObject({ host: 'vz-1', guestId: '108', guestName: 'flaky-1' });
  });
});
