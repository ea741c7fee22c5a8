import { describe, expect, it } from 'vitest';
import {
  domstatsArgs,
  parseDomstate,
  parseDomstats,
  parseNodeinfo,
  statsToGuest,
} from '../../../../src/drivers/kvm/virsh-parse.js';
import { OpError } from '../../../../src/model/errors.js';
import { fixture } from './fixtures.js';

describe('parseDomstats on real QEMU guests (libvirt 9.0 session daemon)', () => {
  // web-1 running, cache-1 paused by the user, old-1 destroyed, db-1 whose QEMU was killed (kill -9).
  const stats = parseDomstats(fixture('domstats-qemu.txt'));
  const byName = new Map(stats.map((s) => [s.name, s]));

  it('finds every guest (libvirt lists them in hash order, not sorted)', () => {
    expect(stats.map((s) => s.name)).toEqual(['cache-1', 'old-1', 'web-1', 'db-1']);
  });

  it('reports the guest whose QEMU died as crashed, and the others as the operator left them', () => {
    expect(byName.get('db-1')).toMatchObject({
      state: 'crashed',
      reason: 'crashed',
      stateCode: 5,
      reasonCode: 3,
    });
    expect(byName.get('web-1')).toMatchObject({ state: 'running', reason: 'booted' });
    expect(byName.get('cache-1')).toMatchObject({ state: 'paused', reason: 'user' });
    expect(byName.get('old-1')).toMatchObject({ state: 'stopped', reason: 'destroyed' });
  });

  it('reads vCPUs, balloon memory and disks, for running and stopped guests alike', () => {
    expect(byName.get('web-1')).toMatchObject({
      vcpusCurrent: 1,
      vcpusMaximum: 2,
      memoryKiB: 262144,
      maxMemoryKiB: 262144,
    });
    expect(byName.get('old-1')).toMatchObject({ memoryKiB: 131072, maxMemoryKiB: 262144 });
    expect(byName.get('web-1')?.disks).toEqual([
      {
        name: 'vda',
        path: '/tmp/lv/disk1.raw',
        capacityBytes: 67108864,
        allocationBytes: 0,
        physicalBytes: 67108864,
      },
    ]);
    // Stopped guests have no allocation (no QEMU to ask).
    expect(byName.get('db-1')?.disks[0]).toEqual({
      name: 'vda',
      path: '/tmp/lv/disk3.raw',
      capacityBytes: 134217728,
      physicalBytes: 134217728,
    });
    expect(byName.get('web-1')?.fields['dirtyrate.calc_mode']).toBe('page-sampling');
  });

  it('turns into Guests with provisioned disk and current memory', () => {
    expect(statsToGuest(byName.get('db-1')!)).toEqual({
      id: 'db-1',
      name: 'db-1',
      state: 'crashed',
      stateReason: 'crashed',
      vcpus: 1,
      memoryBytes: 131072 * 1024,
      diskBytes: 134217728,
      ips: [],
    });
  });

  it('parses the --nowait form the driver uses', () => {
    const nowait = parseDomstats(fixture('domstats-qemu-nowait.txt'));
    const rows = nowait.map((s) => [s.name, s.state, s.reason, s.vcpusCurrent, s.disks[0]?.capacityBytes]);
    expect(rows.sort()).toEqual([
      ['cache-1', 'paused', 'user', 1, 134217728],
      ['db-1', 'crashed', 'crashed', 1, 134217728],
      ['new-1', 'stopped', undefined, 1, 67108864],
      ['old-1', 'stopped', 'destroyed', 1, 134217728],
      ['web-1', 'running', 'booted', 1, 67108864],
    ]);
  });
});

describe('parseDomstats on the libvirt test driver (state only)', () => {
  it('maps every state of the multi-state test node', () => {
    const stats = parseDomstats(fixture('domstats-testnode.txt'));
    const rows = stats.map((s) => [s.name, s.state, s.reason ?? '']);
    expect(rows.sort()).toEqual([
      ['broken-1', 'crashed', ''],
      ['busy-1', 'running', 'idle'],
      ['cache-1', 'paused', ''],
      ['db-1', 'stopped', ''],
      ['sleepy-1', 'paused', 'pmsuspended'],
      ['web-1', 'running', ''],
    ]);
  });

  it('leaves figures the driver did not report at 0 for the caller to fill', () => {
    const [test] = parseDomstats(fixture('domstats-default.txt'));
    expect(statsToGuest(test!)).toEqual({
      id: 'test',
      name: 'test',
      state: 'running',
      vcpus: 0,
      memoryBytes: 0,
      diskBytes: 0,
      ips: [],
    });
  });

  it('reads an empty host as no guests and refuses output it does not understand', () => {
    expect(parseDomstats('')).toEqual([]);
    expect(() => parseDomstats('state.state=1\n')).toThrow(OpError);
    expect(() => parseDomstats("Domain: 'x'\n  no equals sign\n")).toThrow(/unexpected format/);
  });

  it('asks for the stat groups it parses, without blocking on busy guests', () => {
    expect(domstatsArgs()).toEqual([
      'domstats',
      '--raw',
      '--state',
      '--vcpu',
      '--balloon',
      '--block',
      '--nowait',
    ]);
    expect(domstatsArgs({ nowait: false })).not.toContain('--nowait');
  });
});

describe('parseDomstate', () => {
  it.each([
    ['crashed (unknown)', 'crashed', undefined],
    ['idle (unknown)', 'running', 'idle'],
    ['paused (unknown)', 'paused', undefined],
    ['paused (user)', 'paused', 'user'],
    ['pmsuspended (unknown)', 'paused', 'pmsuspended'],
    ['running (booted)', 'running', 'booted'],
    ['running (restored)', 'running', 'restored'],
    ['running (unknown)', 'running', undefined],
    ['running (unpaused)', 'running', 'unpaused'],
    ['shut off (crashed)', 'crashed', 'crashed'],
    ['shut off (destroyed)', 'stopped', 'destroyed'],
    ['shut off (saved)', 'stopped', 'saved'],
    ['shut off (shutdown)', 'stopped', 'shutdown'],
    ['shut off (unknown)', 'stopped', undefined],
  ])('%s → %s', (line, state, reason) => {
    expect(fixture('domstate-reason.txt').split('\n')).toContain(line);
    const mapped = parseDomstate(`${line}\n\n`);
    expect(mapped.state).toBe(state);
    expect(mapped.reason).toBe(reason);
  });

  it('also reads the form without --reason, and names source-only reasons', () => {
    expect(parseDomstate('running\n\n')).toEqual({ state: 'running', raw: 'running' });
    expect(parseDomstate('shut off (failed)\n').state).toBe('crashed');
    expect(parseDomstate('paused (I/O error)\n')).toMatchObject({ state: 'paused', reason: 'I/O error' });
    expect(() => parseDomstate('')).toThrow(/domstate printed output/);
  });
});

describe('parseNodeinfo', () => {
  it('reads threads and memory of the test driver host', () => {
    expect(parseNodeinfo(fixture('nodeinfo-default.txt'))).toEqual({
      cpus: 16,
      memoryBytes: 3145728 * 1024,
      cpuModel: 'i686',
      mhz: 1400,
      sockets: 2,
      coresPerSocket: 2,
      threadsPerCore: 2,
      numaCells: 2,
    });
  });

  it('reads a real host and the custom test node', () => {
    expect(parseNodeinfo(fixture('nodeinfo-qemu.txt'))).toMatchObject({
      cpus: 2,
      memoryBytes: 5859544 * 1024,
    });
    expect(parseNodeinfo(fixture('nodeinfo-testnode.txt'))).toMatchObject({
      cpus: 8,
      memoryBytes: 16 * 1024 ** 3,
    });
  });

  it('refuses output without CPU(s) or Memory size', () => {
    expect(() => parseNodeinfo('CPU model: x86_64\n')).toThrow(/nodeinfo printed output/);
  });
});
