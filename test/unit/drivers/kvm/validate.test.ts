import { describe, expect, it } from 'vitest';
import {
  checkDescription,
  checkDomainName,
  checkMac,
  checkMemoryBytes,
  checkSnapshotName,
  checkSnapshotRef,
  checkTemplateName,
  checkUuid,
  checkVcpus,
  hasXmlIllegalChars,
  overlayPath,
  resolveInImageDir,
} from '../../../../src/drivers/kvm/validate.js';
import { OpError } from '../../../../src/model/errors.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpError) return err.code;
    throw err;
  }
  return undefined;
}

describe('guest names', () => {
  it('accepts the names vpsops creates, up to 63 characters', () => {
    for (const n of ['web-1', 'shop_3', 'db.eu-1', 'A', 'x'.repeat(63)]) expect(checkDomainName(n)).toBe(n);
  });

  it('refuses names that could be options, paths or shell-ish text, with a sentence naming the rule', () => {
    for (const n of ['-web', '.hidden', 'web 1', 'a/b', '..', 'x'.repeat(64), '', 'wëb', "o'neil"]) {
      expect(codeOf(() => checkDomainName(n))).toBe('BAD_INPUT');
    }
    expect(() => checkDomainName('-rf')).toThrow(/"-rf" is not a valid guest name \(1-63 letters/);
  });
});

describe('snapshot and template names', () => {
  it('new snapshots follow the guest-name rule', () => {
    expect(checkSnapshotName('before-upgrade')).toBe('before-upgrade');
    expect(() => checkSnapshotName('before upgrade')).toThrow(/not a valid snapshot name/);
  });

  it('existing snapshots may have spaces (made by hand) but never look like options', () => {
    expect(checkSnapshotRef('before upgrade')).toBe('before upgrade');
    expect(codeOf(() => checkSnapshotRef('--force'))).toBe('BAD_INPUT');
    expect(codeOf(() => checkSnapshotRef('a\nb'))).toBe('BAD_INPUT');
    expect(codeOf(() => checkSnapshotRef('  '))).toBe('BAD_INPUT');
  });

  it('templates are config names like debian-12', () => {
    expect(checkTemplateName('debian-12')).toBe('debian-12');
    expect(() => checkTemplateName('../etc/passwd')).toThrow(/not a valid template name/);
  });
});

describe('sizes and identifiers', () => {
  it('vCPUs are 1..1024', () => {
    expect(checkVcpus(1)).toBe(1);
    expect(checkVcpus(1024)).toBe(1024);
    for (const n of [0, -1, 1.5, 1025, Number.NaN]) expect(codeOf(() => checkVcpus(n))).toBe('BAD_INPUT');
  });

  it('memory is at least 16 MiB and says so', () => {
    expect(checkMemoryBytes(512 * 1024 * 1024)).toBe(512 * 1024 * 1024);
    expect(() => checkMemoryBytes(1024)).toThrow(/at least 16 MiB/);
  });

  it('UUIDs and MACs come back lower case; multicast MACs are refused', () => {
    expect(checkUuid('0B0C7A52-4F3E-4D7E-9A51-8D2A4C6F1E21')).toBe('0b0c7a52-4f3e-4d7e-9a51-8d2a4c6f1e21');
    expect(checkMac('52:54:00:AB:CD:EF')).toBe('52:54:00:ab:cd:ef');
    expect(() => checkMac('01:00:5e:00:00:01')).toThrow(/not a valid unicast MAC/);
    expect(codeOf(() => checkUuid('not-a-uuid'))).toBe('BAD_INPUT');
  });

  it('descriptions may hold markup characters (they get escaped) but not control characters', () => {
    expect(checkDescription(`<b>"Tom's" & co</b>`)).toBe(`<b>"Tom's" & co</b>`);
    expect(checkDescription('line 1\nline 2\ttab')).toBe('line 1\nline 2\ttab');
    expect(codeOf(() => checkDescription('bell\u0007'))).toBe('BAD_INPUT');
    expect(codeOf(() => checkDescription('x'.repeat(1001)))).toBe('BAD_INPUT');
  });

  it('knows which characters XML cannot carry', () => {
    expect(hasXmlIllegalChars('emoji 😀 ok')).toBe(false);
    expect(hasXmlIllegalChars('lone \ud800 surrogate')).toBe(true);
    expect(hasXmlIllegalChars('\ufffe')).toBe(true);
  });
});

describe('paths inside the image directory', () => {
  const dir = '/var/lib/vpsops/images';

  it('joins relative names and accepts absolute paths that are inside', () => {
    expect(resolveInImageDir(dir, 'shop-3.qcow2')).toBe('/var/lib/vpsops/images/shop-3.qcow2');
    expect(resolveInImageDir(`${dir}/`, 'base/debian-12.qcow2')).toBe(
      '/var/lib/vpsops/images/base/debian-12.qcow2',
    );
    expect(resolveInImageDir(dir, `${dir}/base.qcow2`)).toBe('/var/lib/vpsops/images/base.qcow2');
  });

  it('refuses .. segments, paths outside, sibling directories with the same prefix and the directory itself', () => {
    for (const p of [
      '../x.qcow2',
      'a/../../x',
      '/etc/shadow',
      '/var/lib/vpsops/images-evil/x',
      dir,
      '',
      'a\0b',
    ]) {
      expect(codeOf(() => resolveInImageDir(dir, p))).toBe('BAD_INPUT');
    }
    expect(() => resolveInImageDir(dir, '/etc/shadow')).toThrow(/outside the image directory/);
  });

  it('a relative image directory is a config error', () => {
    expect(codeOf(() => resolveInImageDir('images', 'x.qcow2'))).toBe('CONFIG');
  });

  it('the overlay of a guest is <dir>/<name>.qcow2, and the name is checked', () => {
    expect(overlayPath(dir, 'shop-3')).toBe('/var/lib/vpsops/images/shop-3.qcow2');
    expect(codeOf(() => overlayPath(dir, '../shop'))).toBe('BAD_INPUT');
  });
});
