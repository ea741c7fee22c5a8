/** The alert store on a real Redis, with the clock in the test's hands: what reaches chat and what stays quiet. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Alert, fingerprint } from '../../src/model/alert.js';
import { AlertStore, type AlertStoreOptions } from '../../src/store/alerts.js';
import { Keys } from '../../src/store/keys.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let r: Redis;
let n = 0;
const T0 = 1_700_000_000_000;
const MIN = 60_000;
const at = (minutes: number) => T0 + minutes * MIN;

beforeAll(() => {
  r = new Redis(redis.url);
});
afterAll(async () => {
  await r.quit();
});

/** A store with its own key prefix, so tests do not see each other's alerts. */
function store(opts: AlertStoreOptions = {}): AlertStore {
  n += 1;
  return new AlertStore(r, new Keys(`alerts${n}`), opts);
}

function crash(guest = '101', host = 'vz-1', severity: Alert['severity'] = 'critical'): Alert {
  return {
    fingerprint: fingerprint('crash', host, guest),
    kind: 'crash',
    severity,
    host,
    guest,
    title: `CT ${guest} crashed`,
    text: `CT ${guest} on ${host} stopped unexpectedly`,
  };
}

describe('AlertStore', () => {
  it('builds fingerprints from kind, host and subject', () => {
    expect(fingerprint('crash', 'vz-1', '101')).toBe('crash:vz-1:101');
    expect(fingerprint('overcommit', 'vz-1', 'memory')).toBe('overcommit:vz-1:memory');
    expect(fingerprint('host-silent', 'vz-1')).toBe('host-silent:vz-1');
  });

  it('posts a new alert once; a repeat that changes nothing is counted, not shown', async () => {
    const s = store();
    expect(await s.raise(crash(), at(0))).toMatchObject({
      action: 'post',
      state: { count: 1, status: 'open' },
    });
    expect(await s.setMessage('crash:vz-1:101', 'C1', '1.01')).toBe(true);
    const d = await s.raise(crash(), at(1));
    expect(d).toMatchObject({
      action: 'suppress',
      why: 'unchanged',
      state: { count: 2, message: { channel: 'C1', ts: '1.01' } },
    });
    expect(await s.raise(crash(), at(2))).toMatchObject({ action: 'suppress', why: 'unchanged' });
    expect(await s.get('crash:vz-1:101')).toMatchObject({ firstAt: at(0), lastAt: at(2), count: 3 });
  });

  it('two replicas raising the same alert at once post exactly once', async () => {
    const keys = new Keys(`race${++n}`);
    const conns = [new Redis(redis.url), new Redis(redis.url)];
    const stores = conns.map((c) => new AlertStore(c, keys));
    const ds = await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]!.raise(crash(), at(0))));
    expect(ds.filter((d) => d.action === 'post')).toHaveLength(1);
    expect(ds.filter((d) => d.action === 'suppress' && d.why === 'unchanged')).toHaveLength(19);
    const counts = ds.map((d) => d.state.count).sort((a, b) => a - b);
    expect(counts).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await Promise.all(conns.map((c) => c.quit()));
  });

  it('resolve gives how long it was open; resolving again or an unknown alert does nothing', async () => {
    const s = store();
    await s.raise(crash(), at(0));
    const d = await s.resolve('crash:vz-1:101', at(7));
    expect(d).toMatchObject({ action: 'resolve', openedAt: at(0), durationMs: 7 * MIN });
    expect(await s.resolve('crash:vz-1:101', at(8))).toEqual({ action: 'none' });
    expect(await s.resolve('crash:vz-1:999', at(8))).toEqual({ action: 'none' });
    expect(await s.get('crash:vz-1:101')).toMatchObject({ status: 'resolved', resolvedAt: at(7) });
  });

  it('a re-raise within the cooldown reopens the same alert and message; after it, a new post', async () => {
    const s = store();
    await s.raise(crash(), at(0));
    await s.setMessage('crash:vz-1:101', 'C1', '1.01');
    await s.resolve('crash:vz-1:101', at(2));
    const d = await s.raise(crash(), at(5));
    expect(d).toMatchObject({
      action: 'update',
      reopened: true,
      count: 2,
      state: { message: { ts: '1.01' } },
    });
    expect(await s.resolve('crash:vz-1:101', at(6))).toMatchObject({ durationMs: 1 * MIN });
    // Another alert, back 11 minutes after its resolve: a new post, counted afresh.
    await s.raise(crash('102'), at(0));
    await s.setMessage('crash:vz-1:102', 'C1', '1.02');
    await s.resolve('crash:vz-1:102', at(1));
    const again = await s.raise(crash('102'), at(12));
    expect(again).toMatchObject({ action: 'post', state: { count: 1, firstAt: at(12), announced: true } });
    expect(again.state.message).toBeUndefined();
  });

  it('flapping after 5 changes in the window holds the alert open, quietly, until stable for the window', async () => {
    const s = store();
    const fp = 'crash:vz-1:101';
    expect((await s.raise(crash(), at(0))).action).toBe('post');
    await s.resolve(fp, at(1));
    expect(await s.raise(crash(), at(2))).toMatchObject({ action: 'update', reopened: true });
    await s.resolve(fp, at(3));
    const fifth = await s.raise(crash(), at(4));
    expect(fifth).toMatchObject({ action: 'update', reopened: true, flap: 'started' });
    expect(fifth.state.flappingSince).toBe(at(4));
    expect(await s.resolve(fp, at(5))).toMatchObject({ action: 'suppress', why: 'flapping' });
    expect(await s.raise(crash(), at(6))).toMatchObject({ action: 'suppress', why: 'flapping' });
    expect(await s.resolve(fp, at(7))).toMatchObject({ action: 'suppress', why: 'flapping' });
    expect((await s.get(fp))!.status).toBe('open');
    expect(await s.resolve(fp, at(30))).toMatchObject({ action: 'suppress', why: 'flapping' });
    // Resolved since minute 7: stable for the 30-minute window at minute 37.
    const end = await s.resolve(fp, at(37));
    expect(end).toMatchObject({ action: 'resolve', flap: 'ended', state: { status: 'resolved' } });
    expect((await s.get(fp))!.flappingSince).toBeUndefined();
    expect(await s.raise(crash(), at(40))).toMatchObject({ action: 'update', reopened: true });
    expect(await s.raise(crash(), at(41))).toMatchObject({ action: 'suppress', why: 'unchanged' });
  });

  it('a flapping alert that stays raised for the window ends flapping with one update', async () => {
    const s = store();
    const fp = 'crash:vz-1:101';
    for (const m of [0, 2, 4]) {
      await s.raise(crash(), at(m));
      if (m < 4) await s.resolve(fp, at(m + 1));
    }
    expect(await s.raise(crash(), at(20))).toMatchObject({ action: 'suppress', why: 'flapping' });
    expect(await s.raise(crash(), at(34))).toMatchObject({ action: 'update', flap: 'ended' });
    expect(await s.resolve(fp, at(35))).toMatchObject({ action: 'resolve', openedAt: at(4) });
  });

  it('a resolve that makes it flap keeps the alert open and says so once', async () => {
    const s = store();
    const fp = 'crash:vz-1:101';
    // Changes at 0, 29, 30, 31, 32: at most 4 in any 30 minutes, until the resolve at 33.
    await s.raise(crash(), at(0));
    await s.resolve(fp, at(29));
    await s.raise(crash(), at(30));
    await s.resolve(fp, at(31));
    expect(await s.raise(crash(), at(32))).not.toHaveProperty('flap');
    expect(await s.resolve(fp, at(33))).toMatchObject({
      action: 'suppress',
      why: 'flapping',
      flap: 'started',
    });
    expect(await s.get(fp)).toMatchObject({ status: 'open', flappingSince: at(33) });
  });

  it('settle ends the flapping of an alert nobody reports any more', async () => {
    const s = store();
    const fp = 'crash:vz-1:101';
    for (const m of [0, 2, 4]) {
      await s.raise(crash(), at(m));
      await s.resolve(fp, at(m + 1));
    }
    expect(await s.settle(at(20))).toEqual([]);
    const settled = await s.settle(at(35));
    expect(settled).toMatchObject([{ fingerprint: fp, decision: { action: 'resolve', flap: 'ended' } }]);
    expect(await s.settle(at(36))).toEqual([]);
  });

  it('warning → critical while open is an update marked escalated', async () => {
    const s = store();
    await s.raise(crash('101', 'vz-1', 'warning'), at(0));
    const d = await s.raise(crash('101', 'vz-1', 'critical'), at(1));
    expect(d).toMatchObject({ action: 'update', escalated: true, state: { severity: 'critical' } });
    expect(await s.raise(crash('101', 'vz-1', 'critical'), at(2))).not.toHaveProperty('escalated');
  });

  it('silences by fingerprint, host, and host+guest mute matching alerts until they expire', async () => {
    const s = store();
    await s.silences.silence({ scope: { fingerprint: 'crash:vz-1:101' }, until: at(10), by: 'U1' }, at(0));
    await s.silences.silence({ scope: { host: 'vz-2' }, until: at(10), by: 'U1' }, at(0));
    const g = await s.silences.silence(
      { scope: { host: 'vz-3', guest: '7' }, until: at(10), by: 'U1' },
      at(0),
    );
    expect(await s.raise(crash('101'), at(1))).toMatchObject({ action: 'suppress', why: 'silenced' });
    expect((await s.raise(crash('102'), at(1))).action).toBe('post');
    expect(await s.raise(crash('5', 'vz-2'), at(1))).toMatchObject({ action: 'suppress', why: 'silenced' });
    expect(await s.raise(crash('7', 'vz-3'), at(1))).toMatchObject({ action: 'suppress', why: 'silenced' });
    expect((await s.raise(crash('8', 'vz-3'), at(1))).action).toBe('post');
    const muted = await s.get('crash:vz-1:101');
    expect(muted).toMatchObject({ status: 'open', muted: 'silenced', announced: false });
    expect((await s.open()).map((a) => a.fingerprint)).toContain('crash:vz-1:101');
    expect(await s.silences.list(at(5))).toHaveLength(3);
    expect(await s.silences.unsilence(g.id)).toBe(true);
    expect((await s.raise(crash('7', 'vz-3'), at(6))).action).toBe('post');
    // Expired: the muted alert is shown for the first time, and the silences are cleaned up.
    const shown = await s.raise(crash('101'), at(10));
    expect(shown).toMatchObject({ action: 'post', state: { count: 2 } });
    expect(shown.state.muted).toBeUndefined();
    expect(await s.silences.list(at(10))).toEqual([]);
    expect(await r.hlen(`alerts${n}:alerts:silences`)).toBe(0);
  });

  it('maintenance mutes raises of its host only, and ends on endMaintenance or expiry', async () => {
    const s = store();
    const w = await s.silences.startMaintenance('vz-1', { until: at(60), by: 'U1', reason: 'kernel' }, at(0));
    expect(await s.silences.maintenance('vz-1', at(1))).toEqual(w);
    expect(await s.silences.maintenance('vz-2', at(1))).toBeUndefined();
    expect(await s.raise(crash('101'), at(1))).toMatchObject({ action: 'suppress', why: 'maintenance' });
    expect((await s.raise(crash('101', 'vz-2'), at(1))).action).toBe('post');
    expect(await s.resolve('crash:vz-1:101', at(2))).toMatchObject({ action: 'resolve', durationMs: MIN });
    expect(await s.silences.endMaintenance('vz-1')).toBe(true);
    expect((await s.raise(crash('102'), at(3))).action).toBe('post');

    await s.silences.startMaintenance('vz-3', { until: at(10), by: 'U1' }, at(3));
    expect((await s.silences.allMaintenance(at(4))).map((m) => m.host)).toEqual(['vz-3']);
    expect(await s.raise(crash('1', 'vz-3'), at(9))).toMatchObject({ why: 'maintenance' });
    expect((await s.raise(crash('1', 'vz-3'), at(10))).action).toBe('post');
    expect(await s.silences.allMaintenance(at(10))).toEqual([]);
  });

  it('lists open alerts critical first, newest first; resolved ones are gone', async () => {
    const s = store();
    await s.raise(crash('1', 'vz-1', 'warning'), at(0));
    await s.raise(crash('2', 'vz-1', 'critical'), at(1));
    await s.raise(crash('3', 'vz-1', 'warning'), at(2));
    await s.raise(crash('4', 'vz-1', 'critical'), at(3));
    await s.raise(crash('5', 'vz-1', 'info'), at(4));
    await s.resolve('crash:vz-1:4', at(5));
    expect((await s.open()).map((a) => a.guest)).toEqual(['2', '3', '1', '5']);
  });

  it('records who acknowledged an alert', async () => {
    const s = store();
    await s.raise(crash(), at(0));
    expect(await s.ack('crash:vz-1:101', 'U42', at(3))).toMatchObject({ acked: { by: 'U42', at: at(3) } });
    expect(await s.ack('crash:vz-1:999', 'U42', at(3))).toBeUndefined();
    expect(await s.setMessage('crash:vz-1:999', 'C1', '1.0')).toBe(false);
  });

  it('with minUpdateMs, changes closer than that to the last edit wait; escalations do not', async () => {
    const s = store({ minUpdateMs: MIN });
    const silent = (guests: string[], severity: Alert['severity'] = 'warning'): Alert => ({
      ...crash('x', 'vz-1', severity),
      fingerprint: 'host-silent:vz-1',
      affected: guests,
    });
    await s.raise(silent(['a']), at(0));
    expect(await s.raise(silent(['a', 'b']), at(0.5))).toMatchObject({ why: 'cooldown' });
    expect(await s.raise(silent(['a', 'b'], 'critical'), at(0.6))).toMatchObject({
      action: 'update',
      changes: ['escalated', 'affected'],
    });
    expect(await s.raise(silent(['a'], 'critical'), at(1))).toMatchObject({ why: 'cooldown' });
    // The change that waited is shown at the first raise past minUpdateMs, and only once.
    expect(await s.raise(silent(['a'], 'critical'), at(2))).toMatchObject({
      action: 'update',
      changes: ['affected'],
    });
    expect(await s.raise(silent(['a'], 'critical'), at(3))).toMatchObject({
      why: 'unchanged',
      state: { count: 6 },
    });
  });

  it('refuses rules that cannot work, and a silence or window that has already ended', async () => {
    expect(() => store({ flapThreshold: 0 })).toThrow(/flapThreshold/);
    expect(() => store({ keepMs: MIN })).toThrow(/keepMs/);
    const s = store().silences;
    const bad = { code: 'BAD_INPUT' };
    await expect(s.silence({ scope: { host: 'vz-1' }, until: at(0), by: 'U1' }, at(0))).rejects.toMatchObject(
      bad,
    );
    await expect(s.startMaintenance('vz-1', { until: at(-1), by: 'U1' }, at(0))).rejects.toMatchObject(bad);
  });
});
