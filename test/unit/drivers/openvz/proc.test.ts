import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countCpus,
  parseBeancounters,
  parseMeminfo,
  readBeancounters,
  readHostCapacity,
  readKernelVersion,
} from '../../../../src/drivers/openvz/proc.js';

const MEMINFO = `MemTotal:       16777216 kB
MemFree:         8388608 kB
Buffers:          123456 kB
SwapTotal:       4194304 kB
SwapFree:        4194304 kB
HugePages_Total:       0
`;

const CPUINFO = [0, 1, 2, 3]
  .map((n) => `processor\t: ${n}\nvendor_id\t: GenuineIntel\nmodel name\t: Xeon\nbogomips\t: 4800.00\n`)
  .join('\n');

const LONG_MAX = '9223372036854775807';
const row = (uid: string, res: string, v: [string, string, string, string, string], sep = '  ') =>
  `${uid.padStart(10)}${sep}${res.padEnd(12)} ${v.map((x) => x.padStart(20)).join(' ')}`;

// 2.6 layout: "%10s  %-12s ..." with "101:" in the uid column.
const UBC_26 = [
  'Version: 2.5',
  '       uid  resource                     held              maxheld              barrier                limit              failcnt',
  row('101:', 'kmemsize', ['9437184', '9437184', LONG_MAX, LONG_MAX, '0']),
  row('', 'lockedpages', ['0', '0', '65536', '65536', '0']),
  row('', 'privvmpages', ['21846', '21846', LONG_MAX, LONG_MAX, '0']),
  row('', 'dummy', ['0', '0', '0', '0', '0']),
  row('', 'physpages', ['16384', '16384', '0', '65536', '7']),
  row('0:', 'kmemsize', ['100', '200', LONG_MAX, LONG_MAX, '0']),
  row('', 'physpages', ['1', '2', '0', LONG_MAX, '0']),
].join('\n');

// 3.10 layout: "%10s%c %-12s ..." with the colon as the %c.
const UBC_310 = [
  'Version: 2.5',
  '       uid  resource                     held              maxheld              barrier                limit              failcnt',
  row('101', 'kmemsize', ['9437184', '9437184', LONG_MAX, LONG_MAX, '0'], ': '),
  row('', 'physpages', ['16384', '16384', '0', '65536', '3'], '  '),
  row('102', 'kmemsize', ['1', '1', LONG_MAX, LONG_MAX, '0'], ': '),
  row('', 'oomguarpages', ['5', '5', '65536', LONG_MAX, '2'], '  '),
].join('\n');

describe('meminfo', () => {
  it('gives bytes for kB lines and raw numbers otherwise', () => {
    const m = parseMeminfo(MEMINFO);
    expect(m.get('MemTotal')).toBe(16 * 1024 ** 3);
    expect(m.get('SwapTotal')).toBe(4 * 1024 ** 3);
    expect(m.get('HugePages_Total')).toBe(0);
  });
});

describe('cpuinfo', () => {
  it('counts processor lines', () => {
    expect(countCpus(CPUINFO)).toBe(4);
    expect(countCpus('')).toBe(0);
  });
});

describe('user_beancounters', () => {
  it('reads the 2.6 layout, per container and for the host, without dummy rows', () => {
    const bc = parseBeancounters(UBC_26);
    expect([...bc.keys()]).toEqual(['101', '0']);
    const ct = bc.get('101');
    expect([...(ct?.keys() ?? [])]).toEqual(['kmemsize', 'lockedpages', 'privvmpages', 'physpages']);
    expect(ct?.get('physpages')).toEqual({
      held: 16384,
      maxheld: 16384,
      barrier: 0,
      limit: 65536,
      failcnt: 7,
    });
    expect(ct?.get('kmemsize')?.limit).toBe(Number.POSITIVE_INFINITY);
    expect(bc.get('0')?.get('physpages')?.held).toBe(1);
  });

  it('reads the 3.10 layout where the colon follows the uid column', () => {
    expect(UBC_310.split('\n')[2]?.startsWith('       101: kmemsize')).toBe(true);
    const bc = parseBeancounters(UBC_310);
    expect([...bc.keys()]).toEqual(['101', '102']);
    expect(bc.get('101')?.get('physpages')?.failcnt).toBe(3);
    expect(bc.get('102')?.get('oomguarpages')).toEqual({
      held: 5,
      maxheld: 5,
      barrier: 65536,
      limit: Number.POSITIVE_INFINITY,
      failcnt: 2,
    });
  });

  it('gives an empty map for a file with only the header', () => {
    expect(parseBeancounters('Version: 2.5\n       uid  resource  held\n').size).toBe(0);
  });
});

describe('reading a proc tree', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vpsops-proc-'));
    await writeFile(join(dir, 'meminfo'), MEMINFO);
    await writeFile(join(dir, 'cpuinfo'), CPUINFO);
    await writeFile(join(dir, 'user_beancounters'), UBC_26);
    await writeFile(
      join(dir, 'version'),
      'Linux version 2.6.32-042stab145.3 (root@build) (gcc 4.4.6) #1 SMP\n',
    );
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reports capacity, with disk from statfs and 0 for a missing disk root', async () => {
    const cap = await readHostCapacity(dir, dir);
    expect(cap.cpus).toBe(4);
    expect(cap.memoryBytes).toBe(16 * 1024 ** 3);
    expect(cap.swapBytes).toBe(4 * 1024 ** 3);
    expect(cap.diskBytes).toBeGreaterThan(0);
    expect((await readHostCapacity(dir, join(dir, 'no-such-dir'))).diskBytes).toBe(0);
  });

  it('reads beancounters and the kernel version', async () => {
    expect((await readBeancounters(dir)).get('101')?.get('physpages')?.failcnt).toBe(7);
    expect(await readKernelVersion(dir)).toBe('2.6.32-042stab145.3');
    expect(await readKernelVersion(join(dir, 'nowhere'))).toBeUndefined();
  });

  it('says which file is missing when the proc root is wrong', async () => {
    await expect(readHostCapacity(join(dir, 'nowhere'), dir)).rejects.toMatchObject({
      code: 'HYPERVISOR',
      userMessage: expect.stringContaining('procRoot'),
    });
  });
});
