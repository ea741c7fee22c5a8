import { describe, expect, it } from 'vitest';
import { QEMU_MAC_PREFIX, stableMac } from '../../../../src/drivers/kvm/mac.js';
import { checkMac } from '../../../../src/drivers/kvm/validate.js';

describe('stableMac', () => {
  it('is a valid unicast QEMU MAC, the same for the same host and guest', () => {
    const mac = stableMac('kvm-a', 'shop-3');
    expect(mac).toMatch(/^52:54:00(:[0-9a-f]{2}){3}$/);
    expect(mac.startsWith(QEMU_MAC_PREFIX)).toBe(true);
    expect(checkMac(mac)).toBe(mac);
    expect(stableMac('kvm-a', 'shop-3')).toBe(mac);
    // Pinned: a code change must not move every guest's MAC (DHCP reservations depend on it).
    expect(mac).toBe('52:54:00:a5:21:87');
  });

  it('differs between hosts and between guests', () => {
    const macs = new Set([
      stableMac('kvm-a', 'shop-3'),
      stableMac('kvm-b', 'shop-3'),
      stableMac('kvm-a', 'shop-4'),
      stableMac('ab', 'c'),
      stableMac('a', 'bc'),
    ]);
    expect(macs.size).toBe(5);
  });

  it('gives another stable candidate per attempt when a MAC is taken', () => {
    const first = stableMac('kvm-a', 'shop-3');
    const second = stableMac('kvm-a', 'shop-3', 1);
    expect(second).not.toBe(first);
    expect(stableMac('kvm-a', 'shop-3', 1)).toBe(second);
  });
});
