import { describe, expect, it } from 'vitest';
import { humanBytes, humanDuration } from '../../../../src/drivers/human.js';
import { nextCtid, planCreate, planResize, swapFor } from '../../../../src/drivers/openvz/plan.js';
import { diskspaceArg, memoryArg } from '../../../../src/drivers/openvz/units.js';
import { OpError } from '../../../../src/model/errors.js';
import type { Guest } from '../../../../src/model/hypervisor.js';

const GiB = 1024 ** 3;
const guest = (id: string, extra: Partial<Guest> = {}): Guest => ({
  id,
  name: id,
  state: 'stopped',
  vcpus: 1,
  memoryBytes: GiB,
  diskBytes: 20 * GiB,
  ips: [],
  ...extra,
});

describe('units', () => {
  it('formats memory and disk as vzctl takes them', () => {
    expect(memoryArg(512 * 1024 ** 2)).toBe('512M');
    expect(memoryArg(GiB + 1)).toBe('1048577K');
    expect(diskspaceArg(20 * GiB)).toBe('20971520:20971520');
  });
  it('formats durations and sizes for people', () => {
    expect(humanDuration(60_000)).toBe('60s');
    expect(humanDuration(500)).toBe('500ms');
    expect(humanDuration(300_000)).toBe('5m');
    expect(humanDuration(750_000)).toBe('12m30s');
    expect(humanDuration(7_200_000)).toBe('2h');
    expect(humanDuration(5_400_000)).toBe('1h30m');
    expect(humanBytes(1.5 * GiB)).toBe('1.5 GiB');
  });
});

describe('create plan', () => {
  const spec = {
    name: 'shop-3',
    template: 'debian-12-x86_64',
    vcpus: 2,
    memoryBytes: 4 * GiB,
    diskBytes: 60 * GiB,
    hostname: 'shop-3.example.com',
    ips: ['10.0.0.9', '10.0.0.10'],
    description: 'plan medium',
  };

  it('builds create and set arguments, with swap = RAM by default', () => {
    const plan = planCreate(spec, 1);
    expect(plan.createArgs).toEqual([
      '--ostemplate',
      'debian-12-x86_64',
      '--name',
      'shop-3',
      '--hostname',
      'shop-3.example.com',
      '--ipadd',
      '10.0.0.9',
      '--ipadd',
      '10.0.0.10',
      '--description',
      'plan medium',
      '--diskspace',
      '62914560:62914560',
    ]);
    expect(plan.setArgs).toEqual([
      '--ram',
      '4096M',
      '--swap',
      '4096M',
      '--cpus',
      '2',
      '--diskspace',
      '62914560:62914560',
      '--save',
    ]);
    expect(planCreate(spec, 2).setArgs.slice(2, 4)).toEqual(['--swap', '8192M']);
    expect(swapFor(GiB, 0.5)).toBe(GiB / 2);
  });

  it('validates every field before anything runs', () => {
    expect(() => planCreate({ ...spec, name: '--foo' }, 1)).toThrow(OpError);
    expect(() => planCreate({ ...spec, template: '1;rm' }, 1)).toThrow(/OS template/);
    expect(() => planCreate({ ...spec, memoryBytes: -1 }, 1)).toThrow(/memory size/);
    expect(() => planCreate({ ...spec, ips: ['nope'] }, 1)).toThrow(/IP address/);
  });
});

describe('resize plan', () => {
  it('changes only what is given and always saves', () => {
    expect(planResize({ vcpus: 4 }, guest('101'), 1).args).toEqual(['--cpus', '4', '--save']);
    const r = planResize({ memoryBytes: 2 * GiB, diskBytes: 10 * GiB }, guest('101'), 1);
    expect(r.args).toEqual([
      '--ram',
      '2048M',
      '--swap',
      '2048M',
      '--diskspace',
      '10485760:10485760',
      '--save',
    ]);
    expect(r.notes.join(' ')).toMatch(/Swap follows RAM: 2 GiB.*Shrinking/);
  });

  it('refuses an empty or invalid resize', () => {
    expect(() => planResize({}, guest('101'), 1)).toThrow(/Nothing to resize/);
    expect(() => planResize({ diskBytes: -5 }, guest('101'), 1)).toThrow(/disk size/);
  });
});

describe('next CTID', () => {
  it('starts at 101 and goes one past the highest', () => {
    expect(nextCtid([])).toBe('101');
    expect(nextCtid([guest('5')])).toBe('101');
    expect(nextCtid([guest('101'), guest('150'), guest('120')])).toBe('151');
    expect(nextCtid([guest('101')], 160)).toBe('161');
  });
});
