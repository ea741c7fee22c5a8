/**
 * Resource pressure from a simulated OpenVZ host with its real worker: a growing failcnt in
 * /proc/user_beancounters raises a warning naming the container and the resource, a further
 * growth is counted on that same alert without another edit, a count from before the worker
 * started raises nothing, and ten quiet minutes resolve it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertWatch, watchAlerts } from '../helpers/alerts.js';
import { type Pipeline, startPipeline, waitUntil } from '../helpers/pipeline.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let p: Pipeline;
let w: AlertWatch;
/** Added to the manager's clock, to let ten quiet minutes pass. */
let shiftMs = 0;

const FP = 'pressure:vz-1:101:physpages';
/** A container whose only use is to show that the poller has its baseline. */
const PROBE = 'pressure:vz-1:103:numproc';

beforeAll(async () => {
  p = await startPipeline({
    redisUrl: redis.url,
    notifier: false,
    hosts: {
      'vz-1': {
        containers: [
          { ctid: 101, name: 'web-1', running: true },
          { ctid: 102, name: 'web-2', running: true },
          { ctid: 103, name: 'probe-1', running: true },
        ],
        worker: false,
      },
    },
  });
  // A count from before the worker starts is history, not pressure.
  await p.host('vz-1').ctl.bumpFailcnt(102, 'numproc', 7);
  await p.host('vz-1').start();
  w = watchAlerts(p, { now: () => Date.now() + shiftMs });
  await waitUntil(async () => (await p.core.fleet.inventories(['vz-1'])).get('vz-1'), 10_000, 'inventory');
  // The poller's first reading is only a baseline, so growth on the probe is reported only once it
  // has one: from then on a bump on web-1 is growth, however slow the machine is.
  await waitUntil(
    async () => {
      await p.host('vz-1').ctl.bumpFailcnt(103, 'numproc', 1);
      return w.about(PROBE).length > 0;
    },
    10_000,
    'the pressure poller to have its baseline',
  );
}, 60_000);
afterAll(async () => {
  await w?.close();
  await p?.close();
});

const about = (fp: string) => w.about(fp);
const waitEvent: AlertWatch['waitEvent'] = (fp, ok, what) => w.waitEvent(fp, ok, what);

describe('resource pressure', () => {
  it('a growing physpages failcnt raises a warning naming the container and the resource', async () => {
    await p.host('vz-1').ctl.bumpFailcnt(101, 'physpages', 5);
    const e = await waitEvent(FP, (x) => x.state.status === 'open', 'the pressure alert');
    expect(e.state).toMatchObject({
      kind: 'pressure',
      severity: 'warning',
      host: 'vz-1',
      guest: 'web-1',
      count: 1,
      title: 'web-1 (101) on vz-1 hit its physpages limit',
      details: { Resource: 'physpages', Failcnt: '5' },
    });
    expect(e.state.text).toBe(
      'web-1 (101) on vz-1: physpages failcnt grew by 5 to 5 since the last check: the container was refused memory and is being swapped.',
    );
    const warned = p
      .host('vz-1')
      .log.entries.find((l) => l.msg === 'guest under resource pressure' && l.guest === '101');
    expect(warned).toMatchObject({ guest: '101', resource: 'physpages', failcnt: 5, grewBy: 5 });
  });

  it('growing again is counted on the same alert, without editing its message', async () => {
    await p.host('vz-1').ctl.bumpFailcnt(101, 'physpages', 3);
    await w.waitQuiet(FP, 'unchanged', 'the second raise, kept quiet');
    expect(about(FP)).toHaveLength(1);
    const s = await p.core.alerts.get(FP);
    expect(s).toMatchObject({ status: 'open', count: 2, details: { Resource: 'physpages', Failcnt: '8' } });
    expect(s!.text).toContain('physpages failcnt grew by 3 to 8');
  });

  it('a failcnt that was already there when the worker started raises nothing; growth from it does', async () => {
    // Every reading since the baseline (the probe's, the two raises above) saw web-2's 7; had a count
    // from before the start been taken as growth, its alert would have come first, in queue order.
    const ours = () =>
      w.events
        .filter((e) => e.state.kind === 'pressure' && e.state.fingerprint !== PROBE)
        .map((e) => e.state.fingerprint);
    expect(ours()).toEqual([FP]);
    await p.host('vz-1').ctl.bumpFailcnt(102, 'numproc', 1);
    const e = await waitEvent('pressure:vz-1:102:numproc', (x) => x.state.status === 'open', 'numproc');
    expect(e.state.count).toBe(1);
    expect(e.state.title).toBe('web-2 (102) on vz-1 hit its numproc limit');
    // Counted from the 7 it had at start-up, which raised nothing before this growth.
    expect(e.state.text).toContain('numproc failcnt grew by 1 to 8 since the last check');
    expect(ours()).toEqual([FP, 'pressure:vz-1:102:numproc']);
  });

  it('ten minutes without growth resolve it', async () => {
    await w.manager.evaluate();
    expect(about(FP).at(-1)!.state.status).toBe('open');
    shiftMs = 11 * 60_000;
    await w.manager.evaluate();
    const e = await waitEvent(FP, (x) => x.state.status === 'resolved', 'the resolution');
    expect(e.note).toBe('resolved: no physpages failures for 10m');
  });
});
