import { describe, expect, it } from 'vitest';
import { buildDomainXml, type DomainSpec, escapeXml, toKiB } from '../../../../src/drivers/kvm/xml.js';
import { OpError } from '../../../../src/model/errors.js';
import { fixture, NASTY, SHOP3 } from './fixtures.js';
import { find, parseXml } from './mini-xml.js';

function badInput(fn: () => unknown): OpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpError) return err;
    throw err;
  }
  throw new Error('expected an OpError');
}

describe('buildDomainXml', () => {
  it('matches the golden file that libvirt accepted', () => {
    expect(buildDomainXml(SHOP3)).toBe(fixture('domain-shop-3.xml'));
  });

  it('is well-formed and reads back the description, with every markup character escaped', () => {
    const xml = buildDomainXml(SHOP3);
    const dom = parseXml(xml);
    expect(find(dom, 'description')?.text).toBe(NASTY);
    expect(xml).not.toContain('<U123>');
    const guest = find(dom, 'metadata/vpsops:guest');
    expect(guest?.attrs).toEqual({
      'xmlns:vpsops': 'https://vpsops.dev/xmlns/guest/1',
      createdBy: 'U123 <ann>',
      createdAt: '2024-05-01T10:00:00.000Z',
      template: 'debian-12',
    });
  });

  it('puts the maximum in <memory> and what the guest gets in <currentMemory>, in KiB', () => {
    const dom = parseXml(buildDomainXml(SHOP3));
    expect(find(dom, 'memory')).toMatchObject({ attrs: { unit: 'KiB' }, text: '4194304' });
    expect(find(dom, 'currentMemory')?.text).toBe('2097152');
    expect(find(dom, 'vcpu')).toMatchObject({ attrs: { placement: 'static', current: '2' }, text: '4' });
  });

  it('defaults the maxima to the plan, machine pc and arch x86_64, and rounds memory up to whole KiB', () => {
    const spec = {
      ...SHOP3,
      maxVcpus: undefined,
      maxMemoryBytes: undefined,
      memoryBytes: 512 * 1024 ** 2 + 1,
    };
    const dom = parseXml(buildDomainXml(spec));
    expect(find(dom, 'vcpu')).toMatchObject({ attrs: { current: '2' }, text: '2' });
    expect(find(dom, 'memory')?.text).toBe(String(512 * 1024 + 1));
    expect(find(dom, 'os/type')?.attrs).toEqual({ arch: 'x86_64', machine: 'pc' });
    expect(toKiB(1025)).toBe(2);
  });

  it('makes a guest that crashes stay down (on_crash destroy) and boots from its virtio overlay', () => {
    const dom = parseXml(buildDomainXml(SHOP3));
    expect(dom.attrs.type).toBe('kvm');
    expect(find(dom, 'on_crash')?.text).toBe('destroy');
    expect(find(dom, 'os/boot')?.attrs.dev).toBe('hd');
    expect(find(dom, 'devices/disk/driver')?.attrs).toMatchObject({ name: 'qemu', type: 'qcow2' });
    expect(find(dom, 'devices/disk/source')?.attrs.file).toBe('/var/lib/vpsops/images/shop-3.qcow2');
    expect(find(dom, 'devices/disk/target')?.attrs).toEqual({ dev: 'vda', bus: 'virtio' });
    expect(find(dom, 'devices/serial')?.attrs.type).toBe('pty');
    expect(find(dom, 'devices/console/target')?.attrs.type).toBe('serial');
  });

  it('plugs the NIC into a libvirt network or a bridge with the stable MAC, or leaves it out', () => {
    const net = parseXml(buildDomainXml(SHOP3));
    expect(find(net, 'devices/interface')?.attrs.type).toBe('network');
    expect(find(net, 'devices/interface/mac')?.attrs.address).toBe('52:54:00:a5:21:87');
    expect(find(net, 'devices/interface/source')?.attrs).toEqual({ network: 'default' });
    expect(find(net, 'devices/interface/model')?.attrs.type).toBe('virtio');
    const br = parseXml(
      buildDomainXml({ ...SHOP3, domainType: 'qemu', network: { type: 'bridge', source: 'br0' } }),
    );
    expect(br.attrs.type).toBe('qemu');
    expect(find(br, 'devices/interface/source')?.attrs).toEqual({ bridge: 'br0' });
    const none = parseXml(buildDomainXml({ ...SHOP3, network: undefined }));
    expect(find(none, 'devices/interface')).toBeUndefined();
  });

  it('escapes a disk path with quotes rather than breaking the attribute', () => {
    const dom = parseXml(buildDomainXml({ ...SHOP3, diskPath: `/images/it's "odd" & <new>.qcow2` }));
    expect(find(dom, 'devices/disk/source')?.attrs.file).toBe(`/images/it's "odd" & <new>.qcow2`);
  });

  it('generates a UUID when none is given', () => {
    const a = find(parseXml(buildDomainXml({ ...SHOP3, uuid: undefined })), 'uuid')?.text;
    const b = find(parseXml(buildDomainXml({ ...SHOP3, uuid: undefined })), 'uuid')?.text;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });

  it('refuses a spec that libvirt would refuse or that would be unsafe, with a sentence', () => {
    const cases: [Partial<DomainSpec>, RegExp][] = [
      [{ maxVcpus: 1 }, /maximum vCPU count \(1\) is below the vCPU count \(2\)/],
      [{ maxMemoryBytes: 1024 ** 3 }, /maximum memory is below/],
      [{ name: 'bad name' }, /not a valid guest name/],
      [{ mac: 'zz:zz' }, /not a valid unicast MAC/],
      [{ description: 'nul\u0000' }, /description must be/],
      [{ diskPath: 'relative.qcow2' }, /must be an absolute path/],
      [{ machine: "pc' onload='x" }, /not a valid machine type/],
      [{ network: { type: 'bridge', source: 'a-very-long-bridge-name' } }, /not a valid bridge name/],
      [{ domainType: 'xen' as 'kvm' }, /must be qemu or kvm/],
      [{ createdBy: 'x'.repeat(201) }, /creator must be at most 200/],
    ];
    for (const [patch, message] of cases) {
      const err = badInput(() => buildDomainXml({ ...SHOP3, ...patch }));
      expect(err.code).toBe('BAD_INPUT');
      expect(err.userMessage).toMatch(message);
    }
  });
});

describe('the well-formedness check used above', () => {
  it("refuses what libvirt's XML parser would refuse", () => {
    for (const bad of [
      '<a>&</a>',
      "<a b='<'/>",
      '<a></b>',
      '<a><b></a></b>',
      '<a>&nope;</a>',
      '<a/><b/>',
      "<a b='1' b='2'/>",
    ]) {
      expect(() => parseXml(bad), bad).toThrow();
    }
    expect(parseXml("<a b='&apos;&#x41;'>&lt;&#66;</a>")).toMatchObject({ attrs: { b: "'A" }, text: '<B' });
  });
});

describe('escapeXml', () => {
  it('escapes the five XML specials and nothing else', () => {
    expect(escapeXml(`<a href="x">Tom's & Jerry's</a> ünï`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom&apos;s &amp; Jerry&apos;s&lt;/a&gt; ünï',
    );
  });
});
