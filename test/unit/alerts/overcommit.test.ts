import { describe, expect, it } from 'vitest';
import { capacityLine } from '../../../src/chat/view/capacity.js';
import type { Guest, GuestState } from '../../../src/model/hypervisor.js';
import {
  admission,
  type HostInput,
  levelOf,
  type OvercommitConfig,
  overcommitLevels,
  policyFor,
} from '../../../src/model/overcommit.js';
import { testConfig } from '../../helpers/config.js';

const G = 1024 ** 3;

function overcommit(o: Partial<OvercommitConfig> = {}): OvercommitConfig {
  return {
    countStopped: true,
    hysteresis: 0.05,
    default: {
      cpu: { warn: 4, critical: 6 },
      memory: { warn: 1, critical: 1.2 },
      disk: { warn: 1, critical: 1.5 },
    },
    groups: {},
    ...o,
  };
}

function guest(
  name: string,
  state: GuestState,
  vcpus: number,
  memG: number,
  diskG: number,
  swapG?: number,
): Guest {
  const g: Guest = { id: name, name, state, vcpus, memoryBytes: memG * G, diskBytes: diskG * G, ips: [] };
  if (swapG !== undefined) g.swapBytes = swapG * G;
  return g;
}

/** An 8-thread, 32G RAM, 1T disk host in group eu with the given guests. */
function host(guests: Guest[], o: Partial<OvercommitConfig> = {}, name = 'vz-1'): HostInput {
  return {
    host: name,
    group: 'eu',
    registration: { capacity: { cpus: 8, memoryBytes: 32 * G, swapBytes: 8 * G, diskBytes: 1024 * G } },
    inventory: { guests },
    config: { alerts: { overcommit: overcommit(o) } } as HostInput['config'],
  };
}

const levels = (input: Parameters<typeof overcommitLevels>[0]) =>
  Object.fromEntries(overcommitLevels(input).map((l) => [l.resource, l]));

describe('overcommit ratios', () => {
  it('KVM: vCPUs over threads, domain memory over physical RAM, provisioned disk over storage', () => {
    const l = levels(host([guest('web-1', 'running', 16, 16, 400), guest('db-1', 'running', 16, 8, 200)]));
    expect(l.cpu).toMatchObject({ ratio: 4, used: 32, total: 8, level: 'warning', threshold: 4 });
    expect(l.memory).toMatchObject({ ratio: 0.75, used: 24 * G, total: 32 * G, level: 'ok', threshold: 1 });
    expect(l.disk).toMatchObject({ used: 600 * G, level: 'ok' });
    expect(l.disk!.ratio).toBeCloseTo(600 / 1024);
  });

  it('OpenVZ: a container counts its RAM and its swap against physical RAM', () => {
    const l = levels(host([guest('101', 'running', 2, 16, 50, 8), guest('102', 'running', 2, 16, 50, 2)]));
    // (16 + 8) + (16 + 2) = 42G of 32G: over the 1.2 policy.
    expect(l.memory).toMatchObject({ used: 42 * G, total: 32 * G, level: 'critical', threshold: 1.2 });
    expect(l.memory!.ratio).toBeCloseTo(1.3125);
  });

  it('a guest without a CPU limit (vcpus 0) counts as one vCPU', () => {
    const l = levels(host([guest('101', 'running', 0, 1, 10), guest('102', 'running', 0, 1, 10)]));
    expect(l.cpu).toMatchObject({ used: 2, total: 8, ratio: 0.25, level: 'ok' });
  });

  it('counts stopped guests unless countStopped is off, swap included', () => {
    const guests = [guest('101', 'running', 8, 16, 10, 4), guest('102', 'stopped', 40, 16, 10, 4)];
    expect(levels(host(guests)).memory).toMatchObject({ used: 40 * G, level: 'critical' });
    expect(levels(host(guests)).cpu).toMatchObject({ used: 48, level: 'critical' });
    const running = levels(host(guests, { countStopped: false }));
    expect(running.memory).toMatchObject({ used: 20 * G, level: 'ok' });
    expect(running.cpu).toMatchObject({ used: 8, level: 'ok' });
  });

  it('a host with no inventory yet has nothing promised', () => {
    const l = levels({ ...host([]), inventory: undefined });
    expect(Object.values(l).map((x) => [x.ratio, x.level])).toEqual([
      [0, 'ok'],
      [0, 'ok'],
      [0, 'ok'],
    ]);
  });

  it('shows a line per resource with the bar past 100%, the amounts, the level and the policy', () => {
    const l = levels(host([guest('101', 'running', 2, 34, 50, 8)]));
    expect(capacityLine(l.memory!)).toBe(
      'RAM ▓▓▓▓▓▓▓▓▓▓ 131% 42G / 32G · critical (policy warn 1.00x, critical 1.20x)',
    );
    expect(capacityLine(l.cpu!)).toBe(
      'CPU ▓▓▓░░░░░░░ 25% 2 / 8 vCPU · ok (policy warn 4.00x, critical 6.00x)',
    );
  });
});

describe('levels with hysteresis', () => {
  const t = { warn: 1, critical: 1.2 };

  it('enters a level at its threshold', () => {
    expect(levelOf(0.99, t, 0.05)).toBe('ok');
    expect(levelOf(1, t, 0.05)).toBe('warning');
    expect(levelOf(1.2, t, 0.05)).toBe('critical');
  });

  it('stays critical just below the line, clears only below threshold − hysteresis', () => {
    expect(levelOf(1.18, t, 0.05)).toBe('warning');
    expect(levelOf(1.18, t, 0.05, 'critical')).toBe('critical');
    expect(levelOf(1.14, t, 0.05, 'critical')).toBe('warning');
    // Coming down from critical past both lines keeps warning until below 0.95.
    expect(levelOf(0.97, t, 0.05, 'critical')).toBe('warning');
    expect(levelOf(0.94, t, 0.05, 'critical')).toBe('ok');
  });

  it('takes the previous levels per resource', () => {
    // 38.5G of 32G RAM = 1.203 → critical; then 37.76G = 1.18 and 36.48G = 1.14.
    const at = (memG: number, previous?: Parameters<typeof overcommitLevels>[0]['previous']) =>
      levels({ ...host([guest('101', 'running', 2, memG, 10)]), ...(previous ? { previous } : {}) }).memory!
        .level;
    expect(at(38.5)).toBe('critical');
    expect(at(37.76)).toBe('warning');
    expect(at(37.76, { memory: 'critical' })).toBe('critical');
    expect(at(36.48, { memory: 'critical' })).toBe('warning');
    // Another resource's level does not hold this one.
    expect(at(37.76, { cpu: 'critical' })).toBe('warning');
  });
});

describe('policy per host group', () => {
  const groups = { eu: { memory: { critical: 1.0 } }, us: { cpu: { warn: 8, critical: 12 } } };

  it('overrides only the ratios the group names', () => {
    const p = policyFor(overcommit({ groups }), 'eu');
    expect(p.memory).toEqual({ warn: 1, critical: 1 });
    expect(p.cpu).toEqual({ warn: 4, critical: 6 });
    expect(policyFor(overcommit({ groups }), 'asia')).toEqual(overcommit().default);
  });

  it('a host in an overridden group is judged by its group', () => {
    const guests = [guest('101', 'running', 40, 32, 10)];
    expect(levels(host(guests)).memory!.level).toBe('warning');
    expect(levels(host(guests, { groups })).memory!.level).toBe('critical');
    const us = { ...host(guests, { groups }), group: 'us' };
    expect(levels(us).cpu).toMatchObject({ ratio: 5, level: 'ok', policy: { warn: 8, critical: 12 } });
  });

  it('the defaults in config/default.yaml are the documented ones, and a typo in a group is refused', () => {
    expect(testConfig().alerts.overcommit).toEqual(overcommit());
    expect(() => testConfig({ alerts: { overcommit: { groups: { eu: { cpu: { warn: 5 } } } } } })).toThrow(
      'alerts.overcommit.groups.eu: no host is in group "eu" (groups: none)',
    );
    expect(() =>
      testConfig({
        hosts: { 'vz-1': { kind: 'openvz', group: 'eu' } },
        alerts: { overcommit: { groups: { eu: { cpu: { warn: 8 } } } } },
      }),
    ).toThrow('alerts.overcommit.groups.eu.cpu.critical: must be at least warn (8)');
  });
});

describe('admission', () => {
  // 28G RAM + 6G swap of 32G promised (the stopped guest counts): 1.06x.
  const full = () => host([guest('101', 'running', 4, 24, 100, 4), guest('102', 'stopped', 2, 4, 100, 2)]);

  it('refuses a guest that takes a resource to its critical ratio, saying which and how far', () => {
    const r = admission({
      ...full(),
      add: { vcpus: 2, memoryBytes: 6.24 * G, swapBytes: 2 * G, diskBytes: 20 * G },
    });
    expect(r).toMatchObject({ ok: false, resource: 'memory', limit: 1.2 });
    expect(r.ok === false && r.message).toBe('takes vz-1 RAM to 1.32x, policy 1.20x');
  });

  it('admits a guest that stays under the limit', () => {
    expect(admission({ ...full(), add: { vcpus: 2, memoryBytes: 4 * G, diskBytes: 20 * G } })).toEqual({
      ok: true,
    });
  });

  it('names CPU and disk the same way', () => {
    const cpu = admission({ ...full(), add: { vcpus: 0, memoryBytes: 0, diskBytes: 0 } });
    expect(cpu).toEqual({ ok: true });
    const many = host([guest('101', 'running', 40, 1, 10)]);
    expect(admission({ ...many, add: { vcpus: 8, memoryBytes: G, diskBytes: G } })).toMatchObject({
      ok: false,
      message: 'takes vz-1 CPU to 6.00x, policy 6.00x',
    });
    expect(admission({ ...full(), add: { vcpus: 1, memoryBytes: G, diskBytes: 1400 * G } })).toMatchObject({
      ok: false,
      message: 'takes vz-1 disk to 1.56x, policy 1.50x',
    });
  });

  it('a resize counts only the growth: the old size is removed first', () => {
    const add = { vcpus: 4, memoryBytes: 30 * G, swapBytes: 4 * G, diskBytes: 100 * G };
    const remove = { vcpus: 4, memoryBytes: 24 * G, swapBytes: 4 * G, diskBytes: 100 * G };
    // +6G RAM: 40G of 32G = 1.25x.
    expect(admission({ ...full(), add, remove })).toMatchObject({
      ok: false,
      message: 'takes vz-1 RAM to 1.25x, policy 1.20x',
    });
    expect(admission({ ...full(), add: { ...add, memoryBytes: 28 * G }, remove })).toEqual({ ok: true });
  });

  it('never refuses what does not grow, even on a host that is over already', () => {
    const over = host([guest('101', 'running', 4, 40, 100)]);
    const remove = { vcpus: 4, memoryBytes: 40 * G, diskBytes: 100 * G };
    expect(admission({ ...over, add: { ...remove, vcpus: 6, memoryBytes: 36 * G }, remove })).toEqual({
      ok: true,
    });
    expect(admission({ ...over, add: { vcpus: 1, memoryBytes: G, diskBytes: G } })).toMatchObject({
      ok: false,
      resource: 'memory',
    });
  });
});
