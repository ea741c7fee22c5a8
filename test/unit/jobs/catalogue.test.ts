import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import { usage } from '../../../src/ops/operation.js';

const REQUIRED = [
  'help',
  'alerts',
  'ack',
  'silence',
  'maintenance',
  'approve',
  'deny',
  'pending',
  'audit',
  'hosts',
  'capacity',
  'list',
  'status',
  'start',
  'stop',
  'reboot',
  'suspend',
  'resume',
  'create',
  'destroy',
  'resize',
  'snapshot',
  'snapshots',
  'revert',
  'jobs',
  'cancel',
];

describe('operation catalogue', () => {
  it('has every operation of the backbone, each with risk, target, timeout and a way to run', () => {
    expect([...catalogue.keys()].sort()).toEqual([...REQUIRED].sort());
    for (const op of catalogue.values()) {
      expect(['read', 'change', 'destructive']).toContain(op.risk);
      expect(op.timeoutMs).toBeGreaterThan(0);
      expect(op.summary.length).toBeGreaterThan(10);
      expect(Boolean(op.run || op.answer)).toBe(true);
    }
  });

  it('destructive operations are the ones that lose data', () => {
    const destructive = [...catalogue.values()].filter((o) => o.risk === 'destructive').map((o) => o.name);
    expect(destructive.sort()).toEqual(['destroy', 'revert']);
  });

  it('only operations that are safe to repeat are retried', () => {
    const retried = [...catalogue.values()].filter((o) => o.retryable && o.run).map((o) => o.name);
    expect(retried).not.toContain('create');
    expect(retried).not.toContain('reboot');
    expect(retried).not.toContain('destroy');
    expect(retried).not.toContain('snapshot');
    expect(retried).toContain('start');
  });

  it('usage lines are generated from the argument schema', () => {
    expect(usage(catalogue.get('stop')!)).toBe('/vps stop <guest> [force=yes|no] [timeout=DURATION]');
    expect(usage(catalogue.get('revert')!)).toBe('/vps revert <guest> snapshot=ID');
    expect(usage(catalogue.get('help')!)).toBe('/vps help [<verb>]');
    expect(usage(catalogue.get('hosts')!)).toBe('/vps hosts');
    expect(usage(catalogue.get('cancel')!)).toBe('/vps cancel <job-id>');
  });

  it('reads from Redis are answered by the bot; host work goes to a worker', () => {
    for (const name of ['help', 'hosts', 'jobs', 'cancel']) expect(catalogue.get(name)!.run).toBeUndefined();
    for (const name of ['start', 'stop', 'create', 'destroy', 'snapshot', 'snapshots'])
      expect(catalogue.get(name)!.answer).toBeUndefined();
    // list and status answer from Redis unless refresh=yes asks the host.
    expect(catalogue.get('status')!.live!({ refresh: true })).toBe(true);
    expect(catalogue.get('status')!.live!({ refresh: false })).toBe(false);
  });

  it('create resolves its plan before signing, explicit values win', () => {
    const create = catalogue.get('create')!;
    const config = {
      plans: { small: { vcpus: 1, memory: 1, disk: 2 } },
      create: { plan: 'small', template: 'debian-12-x86_64' },
    };
    const args = create.prepare!({
      args: { memory: 5 },
      given: new Set(['memory']),
      config: config as never,
    });
    expect(args).toEqual({ plan: 'small', template: 'debian-12-x86_64', vcpus: 1, memory: 5, disk: 2 });
    expect(() =>
      create.prepare!({ args: { plan: 'huge' }, given: new Set(), config: config as never }),
    ).toThrow('No plan named "huge".');
  });
});
