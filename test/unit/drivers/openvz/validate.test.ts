import { describe, expect, it } from 'vitest';
import {
  checkBytes,
  checkCtid,
  checkDescription,
  checkHostname,
  checkIp,
  checkName,
  checkSnapshotId,
  checkSnapshotName,
  checkTemplate,
  checkVcpus,
} from '../../../../src/drivers/openvz/validate.js';
import { OpError } from '../../../../src/model/errors.js';

function rejects(fn: () => unknown): OpError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OpError);
    expect((err as OpError).code).toBe('BAD_INPUT');
    return err as OpError;
  }
  throw new Error('expected BAD_INPUT');
}

describe('CTIDs', () => {
  it('accepts decimal ids 1..2147483644', () => {
    expect(checkCtid('101')).toBe('101');
    expect(checkCtid('2147483644')).toBe('2147483644');
  });
  it.each(['0', '-1', '--foo', '1;rm', '101 ', ' 101', '0101', '2147483645', 'web1', '', '1e3', '10\n1'])(
    'rejects %j',
    (bad) => {
      expect(rejects(() => checkCtid(bad)).userMessage).toMatch(/not a valid OpenVZ container id/);
    },
  );
});

describe('names and templates', () => {
  it('accepts ordinary names', () => {
    for (const ok of ['web1', 'shop-3', 'db_main', 'a.b', '9lives']) expect(checkName(ok)).toBe(ok);
    expect(checkTemplate('debian-12-x86_64')).toBe('debian-12-x86_64');
    expect(checkTemplate('ubuntu-22.04-x86_64')).toBe('ubuntu-22.04-x86_64');
  });
  it.each(['--foo', '-x', '1;rm', 'my server', 'a/b', '', '123', 'x'.repeat(65), 'naïve', '$(id)', 'a\tb'])(
    'rejects the name %j',
    (bad) => {
      rejects(() => checkName(bad));
    },
  );
  it.each(['--foo', '1;rm -rf /', 'centos 7', '../etc', ''])('rejects the template %j', (bad) => {
    rejects(() => checkTemplate(bad));
  });
  it('limits snapshot names to 32 characters', () => {
    expect(checkSnapshotName('before-upgrade')).toBe('before-upgrade');
    rejects(() => checkSnapshotName('x'.repeat(33)));
    rejects(() => checkSnapshotName('before upgrade'));
    rejects(() => checkSnapshotName('--id'));
  });
});

describe('hostnames, IPs and descriptions', () => {
  it('accepts DNS names and IPv4/IPv6 with optional prefix', () => {
    expect(checkHostname('web1.example.com')).toBe('web1.example.com');
    for (const ip of ['10.0.0.5', '10.0.0.5/24', '2001:db8::1', '2001:db8::1/64'])
      expect(checkIp(ip)).toBe(ip);
  });
  it.each(['-h', 'a..b', 'host name', 'a_b.com', '-lead.example.com'])('rejects the hostname %j', (bad) => {
    rejects(() => checkHostname(bad));
  });
  it.each(['10.0.0.256', '10.0.0.5/33', 'all', '--ipdel', '10.0.0.5/24/1', '1;rm'])(
    'rejects the IP %j',
    (bad) => {
      rejects(() => checkIp(bad));
    },
  );
  it('refuses descriptions that would break vzlist JSON or look like options', () => {
    expect(checkDescription('shop frontend, 2 GB')).toBe('shop frontend, 2 GB');
    rejects(() => checkDescription('the "big" one'));
    rejects(() => checkDescription('back\\slash'));
    rejects(() => checkDescription('two\nlines'));
    rejects(() => checkDescription('--save'));
    rejects(() => checkDescription('x'.repeat(201)));
  });
});

describe('sizes and counts', () => {
  it('accepts whole bytes from 1 MiB and vCPUs from 1', () => {
    expect(checkBytes('memory', 1024 ** 3)).toBe(1024 ** 3);
    expect(checkVcpus(4)).toBe(4);
  });
  it.each([-1, 0, 1023, 1.5, Number.NaN, Number.POSITIVE_INFINITY, -(1024 ** 3), 2 ** 60])(
    'rejects the size %d',
    (bad) => {
      expect(rejects(() => checkBytes('disk', bad)).userMessage).toMatch(/disk size/);
    },
  );
  it.each([0, -2, 1.5, 5000, Number.NaN])('rejects the vCPU count %d', (bad) => {
    rejects(() => checkVcpus(bad));
  });
});

describe('snapshot ids', () => {
  it('accepts UUIDs with or without braces and returns them braced, lower case', () => {
    expect(checkSnapshotId('D9A2AA1F-F6E8-CF69-CB9C-37585DD2C0FC')).toBe(
      '{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}',
    );
    expect(checkSnapshotId('{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}')).toBe(
      '{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}',
    );
  });
  it.each(['--id', 'd9a2aa1f', '{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}x', ''])('rejects %j', (bad) => {
    rejects(() => checkSnapshotId(bad));
  });
});
