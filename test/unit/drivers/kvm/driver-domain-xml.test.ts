/** Reading back a domain XML as libvirt prints it, and the rewrites the test driver's resize makes. */
import { describe, expect, it } from 'vitest';
import { readDomainXml, unescapeXml, withMemory, withVcpus } from '../../../../src/drivers/kvm/domain-xml.js';
import { buildDomainXml } from '../../../../src/drivers/kvm/xml.js';
import { NASTY, SHOP3 } from './fixtures.js';

// What libvirt prints back for a guest vpsops made: double quotes in our metadata, its own prefix.
const PRINTED = `<domain type='kvm' id='3'>
  <name>shop-3</name>
  <description>Created by &lt;U123&gt; &quot;Ann O&apos;Neil&quot; &amp; co via /vps create</description>
  <metadata>
    <vpsops:guest xmlns:vpsops="https://vpsops.dev/xmlns/guest/1" createdBy="U123 &lt;ann&gt;" createdAt="2024-05-01T10:00:00.000Z" template="debian-12"/>
  </metadata>
  <memory unit='KiB'>4194304</memory>
  <currentMemory unit='KiB'>2097152</currentMemory>
  <vcpu placement='static' current='2'>4</vcpu>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/vpsops/images/shop-3.qcow2' index='2'/>
      <backingStore type='file' index='3'>
        <format type='qcow2'/>
        <source file='/var/lib/vpsops/images/debian-12.qcow2'/>
      </backingStore>
      <target dev='vda' bus='virtio'/>
    </disk>
    <disk type='file' device='cdrom'>
      <target dev='sda' bus='sata'/>
    </disk>
    <interface type='network'>
      <mac address='52:54:00:AB:cd:01'/>
    </interface>
  </devices>
</domain>`;

describe('readDomainXml', () => {
  it("reads our metadata, description, sizes, disks and MACs from libvirt's printout", () => {
    expect(readDomainXml(PRINTED)).toEqual({
      ours: true,
      description: NASTY,
      template: 'debian-12',
      createdBy: 'U123 <ann>',
      disks: [
        { target: 'vda', device: 'disk', path: '/var/lib/vpsops/images/shop-3.qcow2' },
        { target: 'sda', device: 'cdrom' },
      ],
      macs: ['52:54:00:ab:cd:01'],
      vcpus: 2,
      maxVcpus: 4,
      memoryKiB: 2097152,
      maxMemoryKiB: 4194304,
    });
  });

  it('reads back exactly what buildDomainXml wrote', () => {
    const info = readDomainXml(buildDomainXml(SHOP3));
    expect(info).toMatchObject({
      ours: true,
      description: NASTY,
      template: 'debian-12',
      createdBy: 'U123 <ann>',
    });
    expect(info.macs).toEqual([SHOP3.mac]);
  });

  it('says a guest without our metadata is not ours', () => {
    const info = readDomainXml(
      "<domain><name>x</name><vcpu>2</vcpu><memory unit='KiB'>1024</memory></domain>",
    );
    expect(info).toMatchObject({ ours: false, vcpus: 2, maxVcpus: 2, memoryKiB: 1024, maxMemoryKiB: 1024 });
  });

  it('unescapes named and numeric references', () => {
    expect(unescapeXml('&lt;a&gt; &#38; &#x41;&amp;lt;')).toBe('<a> & A&lt;');
  });
});

describe('resize rewrites', () => {
  it('sets current vCPUs under the ceiling and raises the ceiling above it', () => {
    expect(readDomainXml(withVcpus(PRINTED, 1))).toMatchObject({ vcpus: 1, maxVcpus: 4 });
    expect(readDomainXml(withVcpus(PRINTED, 6))).toMatchObject({ vcpus: 6, maxVcpus: 6 });
    expect(withVcpus(PRINTED, 6)).toContain("<vcpu placement='static'>6</vcpu>");
  });

  it('sets current memory under the ceiling and raises the ceiling above it', () => {
    expect(readDomainXml(withMemory(PRINTED, 1048576))).toMatchObject({
      memoryKiB: 1048576,
      maxMemoryKiB: 4194304,
    });
    expect(readDomainXml(withMemory(PRINTED, 8388608))).toMatchObject({
      memoryKiB: 8388608,
      maxMemoryKiB: 8388608,
    });
  });
});
