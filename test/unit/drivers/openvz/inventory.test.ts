import { describe, expect, it } from 'vitest';
import { parseVzlist, VZLIST_FIELDS, vzlistArgs } from '../../../../src/drivers/openvz/inventory.js';
import { OpError } from '../../../../src/model/errors.js';

// Shaped like `vzlist -a -j` (contract §4): "[", objects "\n  {" with "\n    key": value, "\n]\n".
// CT 101 is a full default-field object (running); 102 stopped with unset name/hostname and null onboot;
// 103 mounted; 104 suspended with an unlimited RAM limit (LONG_MAX, which JSON.parse rounds).
const SAMPLE = `[
  {
    "ctid": 101,
    "veid": 101,
    "vpsid": 101,
    "private": "/vz/private/101",
    "root": "/vz/root/101",
    "mount_opts": null,
    "origin_sample": "vswap-1g",
    "hostname": "web1.example.com",
    "name": "web1",
    "smart_name": "web1",
    "description": "shop frontend",
    "ostemplate": "centos-7-x86_64",
    "ip": ["10.0.0.101", "10.0.0.102"],
    "nameserver": ["8.8.8.8"],
    "searchdomain": [],
    "status": "running",
    "physpages": {
      "held": 16384,
      "maxheld": 20000,
      "barrier": 0,
      "limit": 262144,
      "failcnt": 0
    },
    "swappages": {
      "held": 0,
      "maxheld": 0,
      "barrier": 0,
      "limit": 524288,
      "failcnt": 0
    },
    "diskspace": {
      "usage": 1048576,
      "softlimit": 20971520,
      "hardlimit": 23068672
    },
    "laverage": [0.00, 0.01, 0.05],
    "uptime": 3600.123,
    "cpulimit": 0,
    "cpuunits": 1000,
    "cpus": 2,
    "onboot": true,
    "bootorder": null,
    "layout": "ploop",
    "features": null,
    "vswap": true,
    "disabled": false,
    "vm_overcommit": 0,
    "netfilter": "stateless"
  },
  {
    "ctid": 102,
    "name": null,
    "hostname": null,
    "description": null,
    "ostemplate": "debian-12-x86_64",
    "ip": [],
    "status": "stopped",
    "physpages": {
      "held": 0,
      "maxheld": 0,
      "barrier": 0,
      "limit": 131072,
      "failcnt": 0
    },
    "diskspace": {
      "usage": 0,
      "softlimit": 2097152,
      "hardlimit": 2306867
    },
    "cpus": 0,
    "onboot": null,
    "laverage": null,
    "uptime": 0.000
  },
  {
    "ctid": 103,
    "name": "db",
    "hostname": "db.example.com",
    "description": null,
    "ostemplate": null,
    "ip": ["10.0.0.103"],
    "status": "mounted",
    "physpages": {
      "held": 0,
      "maxheld": 0,
      "barrier": 0,
      "limit": 262144,
      "failcnt": 0
    },
    "diskspace": {
      "usage": 0,
      "softlimit": 1048576,
      "hardlimit": 1048576
    },
    "cpus": 1
  },
  {
    "ctid": 104,
    "name": "batch",
    "hostname": null,
    "description": null,
    "ostemplate": "ubuntu-22.04-x86_64",
    "ip": [],
    "status": "suspended",
    "physpages": {
      "held": 0,
      "maxheld": 0,
      "barrier": 9223372036854775807,
      "limit": 9223372036854775807,
      "failcnt": 0
    },
    "diskspace": {
      "usage": 0,
      "softlimit": 9223372036854775807,
      "hardlimit": 9223372036854775807
    },
    "cpus": 4
  }
]
`;

describe('vzlist -j parsing', () => {
  const guests = parseVzlist(SAMPLE);

  it('maps a running CT with every field', () => {
    expect(guests[0]).toEqual({
      id: '101',
      name: 'web1',
      state: 'running',
      vcpus: 2,
      memoryBytes: 262144 * 4096,
      swapBytes: 524288 * 4096,
      diskBytes: 23068672 * 1024,
      ips: ['10.0.0.101', '10.0.0.102'],
      hostname: 'web1.example.com',
      template: 'centos-7-x86_64',
      description: 'shop frontend',
    });
  });

  it('falls back to the CTID as name and keeps cpus 0 (all host CPUs) for a stopped CT', () => {
    expect(guests[1]).toEqual({
      id: '102',
      name: '102',
      state: 'stopped',
      vcpus: 0,
      memoryBytes: 512 * 1024 * 1024,
      diskBytes: 2306867 * 1024,
      ips: [],
      template: 'debian-12-x86_64',
    });
  });

  it('shows mounted as stopped and suspended as paused, with the reason', () => {
    expect(guests[2]).toMatchObject({ id: '103', state: 'stopped', stateReason: 'mounted' });
    expect(guests[3]).toMatchObject({ id: '104', state: 'paused', stateReason: 'suspended' });
  });

  it('reports unlimited memory and disk (LONG_MAX) as 0', () => {
    expect(guests[3]).toMatchObject({ memoryBytes: 0, diskBytes: 0 });
  });

  it('leaves swap out when vzlist does not give it or it is unlimited', () => {
    expect(guests[1]!.swapBytes).toBeUndefined();
    const [g] = parseVzlist(
      '[{"ctid": 105, "status": "stopped", "swappages": {"limit": 9223372036854775807}}]',
    );
    expect(g!.swapBytes).toBeUndefined();
  });

  it('handles an empty fleet', () => {
    expect(parseVzlist('[]\n')).toEqual([]);
    expect(parseVzlist('[\n]\n')).toEqual([]);
    expect(parseVzlist('')).toEqual([]);
  });

  it('accepts the OpenVZ 7 string ctid and an unknown status', () => {
    const [g] = parseVzlist('[{"ctid": "201", "status": "paused", "ip": []}]');
    expect(g).toMatchObject({ id: '201', name: '201', state: 'unknown', stateReason: 'paused' });
  });

  it('explains broken JSON (vzlist does not escape quotes in descriptions)', () => {
    const broken =
      '[\n  {\n    "ctid": 101,\n    "description": "the "big" one",\n    "status": "running"\n  }\n]';
    expect(() => parseVzlist(broken)).toThrow(/not valid JSON/);
    try {
      parseVzlist('[{"status": 5}]');
    } catch (err) {
      expect(err).toBeInstanceOf(OpError);
      expect((err as OpError).code).toBe('HYPERVISOR');
    }
  });

  it('asks vzlist for every CT and only the fields it needs', () => {
    expect(vzlistArgs()).toEqual(['-a', '-j', '-o', VZLIST_FIELDS.join(',')]);
    expect(vzlistArgs(['101'])).toEqual(['-a', '-j', '-o', VZLIST_FIELDS.join(','), '101']);
    for (const f of VZLIST_FIELDS) expect(f).not.toMatch(/\./);
  });
});
