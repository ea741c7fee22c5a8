/**
 * The alert store on a real Redis deciding what is news: a repeat of a standing alert is counted
 * and kept quiet, and each change its message would show (severity, mute, acknowledgement, the
 * guests it lists) is shown once, decided in one script so that replicas agree.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../../src/model/alert.js';
import { AlertStore } from '../../src/store/alerts.js';
import { Keys } from '../../src/store/keys.js';
import { useRedis } from '../helpers/redis.js';

const redis = useRedis();
let r: Redis;
let n = 0;
const T0 = 1_700_000_000_000;
const at = (minutes: number) => T0 + minutes * 60_000;
const FP = 'overcommit:vz-1:memory';

beforeAll(() => {
  r = new Redis(redis.url);
});
afterAll(async () => {
  await r.quit();
});

function store(): AlertStore {
  n += 1;
  return new AlertStore(r, new Keys(`changes${n}`));
}

function overcommit(ratio: string, severity: Alert['severity'] = 'critical'): Alert {
  return {
    fingerprint: FP,
    kind: 'overcommit',
    severity,
    host: 'vz-1',
    title: `vz-1 RAM overcommitted ${ratio} (${severity})`,
    text: `vz-1 has promised its guests ${ratio} of its RAM.`,
    details: { Ratio: ratio },
  };
}

function silent(guests: string[]): Alert {
  return {
    fingerprint: 'host-silent:vz-1',
    kind: 'host-silent',
    severity: 'critical',
    host: 'vz-1',
    title: 'host vz-1 is not reporting',
    text: `Running there then: ${guests.join(', ')}.`,
    affected: guests,
  };
}

describe('what the alert store shows again', () => {
  it('a ratio moving in the title and details is a repeat; the state still holds the latest raise', async () => {
    const s = store();
    expect((await s.raise(overcommit('1.88x'), at(0))).action).toBe('post');
    const d = await s.raise(overcommit('1.90x'), at(1));
    expect(d).toMatchObject({ action: 'suppress', why: 'unchanged' });
    expect(d.state).toMatchObject({ count: 2, title: 'vz-1 RAM overcommitted 1.90x (critical)' });
  });

  it('severity up or down is shown once each', async () => {
    const s = store();
    await s.raise(overcommit('1.10x', 'warning'), at(0));
    expect(await s.raise(overcommit('1.30x'), at(1))).toMatchObject({
      action: 'update',
      changes: ['escalated'],
      escalated: true,
    });
    expect((await s.raise(overcommit('1.31x'), at(2))).action).toBe('suppress');
    expect(await s.raise(overcommit('1.12x', 'warning'), at(3))).toMatchObject({
      action: 'update',
      changes: ['deescalated'],
    });
    expect(await s.raise(overcommit('1.12x', 'warning'), at(4))).toMatchObject({ why: 'unchanged' });
  });

  it('the guests it lists: a new one is shown once; the same ones in another order are not news', async () => {
    const s = store();
    await s.raise(silent(['web-1', 'web-2']), at(0));
    expect(await s.raise(silent(['web-2', 'web-1']), at(1))).toMatchObject({ why: 'unchanged' });
    const d = await s.raise(silent(['web-1', 'web-2', 'web-3']), at(2));
    expect(d).toMatchObject({ action: 'update', changes: ['affected'] });
    expect(d.state.affected).toEqual(['web-1', 'web-2', 'web-3']);
    expect(await s.raise(silent(['web-3', 'web-1', 'web-2']), at(3))).toMatchObject({ why: 'unchanged' });
    // Names come from the hypervisor's listing: whatever is in them, a repeat is a repeat.
    expect((await s.raise(silent(['a|b', 'c']), at(4))).action).toBe('update');
    expect(await s.raise(silent(['a|b', 'c']), at(5))).toMatchObject({ why: 'unchanged' });
  });

  it('muted once it is shown: said once; what changes meanwhile waits, and is shown with the unmuting', async () => {
    const s = store();
    await s.raise(overcommit('1.10x', 'warning'), at(0));
    const silence = await s.silences.silence({ scope: { fingerprint: FP }, until: at(60), by: 'U1' }, at(1));
    expect(await s.raise(overcommit('1.10x', 'warning'), at(2))).toMatchObject({
      action: 'update',
      changes: ['muted'],
      state: { muted: 'silenced' },
    });
    expect(await s.raise(overcommit('1.10x', 'warning'), at(3))).toMatchObject({ why: 'silenced' });
    expect(await s.raise(overcommit('1.30x'), at(4))).toMatchObject({ why: 'silenced' });
    await s.silences.unsilence(silence.id);
    expect(await s.raise(overcommit('1.30x'), at(5))).toMatchObject({
      action: 'update',
      changes: ['escalated', 'unmuted'],
    });
    expect(await s.raise(overcommit('1.30x'), at(6))).toMatchObject({ why: 'unchanged' });
  });

  it('a muted alert coming back within the cooldown stays out of chat until the mute ends', async () => {
    const s = store();
    await s.raise(overcommit('1.88x'), at(0));
    await s.resolve(FP, at(1));
    await s.silences.startMaintenance('vz-1', { until: at(10), by: 'U1' }, at(2));
    expect(await s.raise(overcommit('1.88x'), at(3))).toMatchObject({
      action: 'suppress',
      why: 'maintenance',
    });
    expect(await s.raise(overcommit('1.88x'), at(4))).toMatchObject({
      action: 'suppress',
      why: 'maintenance',
    });
    expect(await s.raise(overcommit('1.88x'), at(10))).toMatchObject({
      action: 'update',
      changes: ['reopened'],
    });
  });

  it('an Ack and a Silence button are decided as shown: the next raise does not edit for them', async () => {
    const s = store();
    await s.raise(overcommit('1.88x'), at(0));
    expect(await s.ack(FP, 'U42', at(1))).toMatchObject({ acked: { by: 'U42', at: at(1) } });
    expect(await s.raise(overcommit('1.88x'), at(2))).toMatchObject({ why: 'unchanged' });
    await s.silences.silence({ scope: { fingerprint: FP }, until: at(60), by: 'U42' }, at(3));
    expect(await s.remute(FP, at(3))).toMatchObject({ action: 'update', changes: ['muted'] });
    expect(await s.remute(FP, at(3))).toMatchObject({ action: 'suppress', why: 'unchanged' });
    expect(await s.raise(overcommit('1.88x'), at(4))).toMatchObject({ action: 'suppress', why: 'silenced' });
    expect(await s.remute('overcommit:vz-9:memory', at(4))).toEqual({ action: 'none' });
  });

  it('two replicas raising the same change at once: exactly one update', async () => {
    const keys = new Keys(`changes-race${++n}`);
    const conns = [new Redis(redis.url), new Redis(redis.url)];
    const stores = conns.map((c) => new AlertStore(c, keys));
    await stores[0]!.raise(overcommit('1.10x', 'warning'), at(0));
    const ds = await Promise.all(
      Array.from({ length: 20 }, (_, i) => stores[i % 2]!.raise(overcommit('1.30x'), at(1))),
    );
    expect(ds.filter((d) => d.action === 'update')).toHaveLength(1);
    expect(ds.filter((d) => d.action === 'suppress' && d.why === 'unchanged')).toHaveLength(19);
    await Promise.all(conns.map((c) => c.quit()));
  });

  it('an alert kept from before the store remembered what it showed is not edited for the upgrade', async () => {
    const s = store();
    await s.raise(overcommit('1.88x'), at(0));
    await r.hdel(`changes${n}:alert:${FP}`, 'shown');
    expect(await s.raise(overcommit('1.88x'), at(1))).toMatchObject({ why: 'unchanged' });
    expect(await s.raise(overcommit('1.88x', 'warning'), at(2))).toMatchObject({ changes: ['deescalated'] });
  });
});
