/** Shared test data: captured virsh output from test/fixtures/kvm (see its README) and the golden spec. */
import { readFileSync } from 'node:fs';
import { stableMac } from '../../../../src/drivers/kvm/mac.js';
import type { DomainSpec } from '../../../../src/drivers/kvm/xml.js';

/** Reads a file of test/fixtures/kvm. */
export function fixture(name: string): string {
  return readFileSync(new URL(`../../../fixtures/kvm/${name}`, import.meta.url), 'utf8');
}

/** A description with every XML special character in it. */
export const NASTY = `Created by <U123> "Ann O'Neil" & co via /vps create`;

/** The spec behind test/fixtures/kvm/domain-shop-3.xml (validated with virt-xml-validate). */
export const SHOP3: DomainSpec = {
  name: 'shop-3',
  uuid: '0b0c7a52-4f3e-4d7e-9a51-8d2a4c6f1e21',
  vcpus: 2,
  maxVcpus: 4,
  memoryBytes: 2 * 1024 ** 3,
  maxMemoryBytes: 4 * 1024 ** 3,
  diskPath: '/var/lib/vpsops/images/shop-3.qcow2',
  diskFormat: 'qcow2',
  mac: stableMac('kvm-a', 'shop-3'),
  description: NASTY,
  domainType: 'kvm',
  network: { type: 'network', source: 'default' },
  createdBy: 'U123 <ann>',
  createdAt: '2024-05-01T10:00:00.000Z',
  template: 'debian-12',
};
