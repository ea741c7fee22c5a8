import { describe, expect, it } from 'vitest';
import type { DomainSpec } from '../../../../src/drivers/kvm/xml.js';
import {
  checkDomainTemplate,
  renderDomainTemplate,
  templatePlaceholders,
} from '../../../../src/drivers/kvm/xml-template.js';
import { OpError } from '../../../../src/model/errors.js';
import { fixture, SHOP3 } from './fixtures.js';
import { find, parseXml } from './mini-xml.js';

const SPEC: DomainSpec = { ...SHOP3, domainType: 'qemu', network: undefined };

function configError(fn: () => unknown): OpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof OpError) return err;
    throw err;
  }
  throw new Error('expected an OpError');
}

describe('renderDomainTemplate', () => {
  const template = fixture('template-debian-12.xml');

  it("fills the operator template; the result matches the golden file libvirt's schema accepts", () => {
    expect(renderDomainTemplate(template, SPEC, 'debian-12')).toBe(
      fixture('template-debian-12.rendered.xml'),
    );
  });

  it("escapes values in text and in attributes, and keeps the operator's own markup", () => {
    const dom = parseXml(renderDomainTemplate(template, SPEC, 'debian-12'));
    expect(find(dom, 'description')?.text).toBe(SPEC.description);
    expect(find(dom, 'metadata/vpsops:guest')?.attrs.createdBy).toBe('U123 <ann>');
    expect(find(dom, 'currentMemory')?.text).toBe('2097152');
    expect(find(dom, 'memory')?.text).toBe('4194304');
    expect(find(dom, 'vcpu')).toMatchObject({ attrs: { current: '2' }, text: '4' });
    expect(find(dom, 'os/type')?.attrs.machine).toBe('q35');
    expect(find(dom, 'devices/rng/backend')?.text).toBe('/dev/urandom');
    const quoted = parseXml(renderDomainTemplate(template, { ...SPEC, diskPath: "/i/it's.qcow2" }));
    expect(find(quoted, 'devices/disk/source')?.attrs.file).toBe("/i/it's.qcow2");
  });

  it('lists the placeholders a template uses, spaces inside the braces allowed', () => {
    expect(templatePlaceholders(template)).toEqual([
      'domainType',
      'name',
      'uuid',
      'description',
      'metadata',
      'maxMemoryKiB',
      'memoryKiB',
      'vcpus',
      'maxVcpus',
      'diskPath',
      'mac',
    ]);
    expect(() => checkDomainTemplate(template, 'debian-12')).not.toThrow();
  });

  it('names an unknown placeholder and the template it is in', () => {
    const err = configError(() => renderDomainTemplate(`${template}{{hostname}}`, SPEC, 'debian-12'));
    expect(err.code).toBe('CONFIG');
    expect(err.userMessage).toMatch(
      /^Domain template debian-12 uses an unknown placeholder \{\{hostname\}\}; known/,
    );
  });

  it('names a missing required placeholder and why it is needed', () => {
    const err = configError(() =>
      renderDomainTemplate(template.replace('{{mac}}', '52:54:00:00:00:01'), SPEC, 'deb'),
    );
    expect(err.code).toBe('CONFIG');
    expect(err.userMessage).toBe(
      'Domain template deb has no {{mac}} placeholder; vpsops needs it to give the guest its stable MAC address.',
    );
    const noDisk = configError(() =>
      checkDomainTemplate(template.replace('{{diskPath}}', '/x.qcow2'), 'deb'),
    );
    expect(noDisk.userMessage).toMatch(/no \{\{diskPath\}\} placeholder/);
  });

  it('reports malformed placeholders and templates without a <domain>', () => {
    expect(configError(() => checkDomainTemplate(`${template}{{mem kib}}`)).userMessage).toMatch(
      /malformed placeholder \{\{mem kib\}\}/,
    );
    const noDomain = '<vm>{{name}}{{vcpus}}{{memoryKiB}}{{diskPath}}{{mac}}</vm>';
    expect(configError(() => checkDomainTemplate(noDomain, 't')).userMessage).toBe(
      'Domain template t has no <domain> element.',
    );
  });

  it('checks spec values before filling them in', () => {
    const err = configError(() => renderDomainTemplate(template, { ...SPEC, vcpus: 0 }, 'debian-12'));
    expect(err.code).toBe('BAD_INPUT');
  });
});
