import { describe, expect, it } from 'vitest';
import { allocation, overcommitted, ratio } from '../../../src/model/allocation.js';
import type { Guest, GuestState } from '../../../src/model/hypervisor.js';

const G = 1024 ** 3;
const host = { capacity: { cpus: 8, memoryBytes: 32 * G, swapBytes: 0, diskBytes: 500 * G } };

function guest(name: string, state: GuestState, vcpus: number, memG: number, diskG: number): Guest {
  return { id: name, name, state, vcpus, memoryBytes: memG * G, diskBytes: diskG * G, ips: [] };
}

describe('allocation', () => {
  it('sums what guests were given against the capacity, and what is left', () => {
    const a = allocation(host, {
      guests: [guest('web-1', 'running', 2, 4, 40), guest('db-1', 'running', 4, 16, 200)],
    });
    expect(a.cpu).toEqual({ used: 6, total: 8 });
    expect(a.memory).toEqual({ used: 20 * G, total: 32 * G });
    expect(a.disk).toEqual({ used: 240 * G, total: 500 * G });
    expect(a.free).toEqual({ cpus: 2, memoryBytes: 12 * G, diskBytes: 260 * G });
    expect(a.counts).toEqual({ running: 2, stopped: 0, paused: 0, crashed: 0, unknown: 0 });
  });

  it('counts stopped guests by default: they can start at any time', () => {
    const inv = { guests: [guest('a', 'running', 2, 4, 10), guest('b', 'stopped', 2, 8, 10)] };
    expect(allocation(host, inv).memory.used).toBe(12 * G);
    expect(allocation(host, inv).cpu.used).toBe(4);
  });

  it('leaves stopped guests out with countStopped: false, but still counts them by state', () => {
    const inv = {
      guests: [
        guest('a', 'running', 2, 4, 10),
        guest('b', 'stopped', 2, 8, 10),
        guest('c', 'paused', 1, 2, 5),
      ],
    };
    const a = allocation(host, inv, { countStopped: false });
    expect(a.cpu.used).toBe(3);
    expect(a.memory.used).toBe(6 * G);
    expect(a.disk.used).toBe(15 * G);
    expect(a.counts.stopped).toBe(1);
    expect(a.counts.paused).toBe(1);
  });

  it('counts a guest without a CPU limit (vcpus 0) as one vCPU, not the whole host', () => {
    const a = allocation(host, {
      guests: [guest('ct-101', 'running', 0, 1, 10), guest('b', 'running', 1, 1, 1)],
    });
    expect(a.cpu.used).toBe(2);
    expect(a.free.cpus).toBe(6);
  });

  it('never reports negative free resources on an overcommitted host', () => {
    const a = allocation(host, {
      guests: [guest('a', 'running', 8, 30, 400), guest('b', 'running', 4, 12, 300)],
    });
    expect(a.memory.used).toBe(42 * G);
    expect(a.free).toEqual({ cpus: 0, memoryBytes: 0, diskBytes: 0 });
    expect(overcommitted(a)).toEqual(['cpu', 'memory', 'disk']);
    expect(ratio(a.cpu)).toBe(1.5);
  });

  it('treats a missing inventory as no guests', () => {
    const a = allocation(host, undefined);
    expect(a.cpu.used).toBe(0);
    expect(a.free.memoryBytes).toBe(32 * G);
    expect(Object.values(a.counts).every((n) => n === 0)).toBe(true);
  });

  it('counts an unexpected state as unknown instead of losing the guest', () => {
    const odd = { ...guest('x', 'running', 1, 1, 1), state: 'migrating' as GuestState };
    const a = allocation(host, { guests: [odd] });
    expect(a.counts.unknown).toBe(1);
    expect(a.cpu.used).toBe(1);
  });

  it('a host with no capacity and guests on it is never "healthy"', () => {
    expect(ratio({ used: 0, total: 0 })).toBe(0);
    expect(ratio({ used: 1, total: 0 })).toBe(Number.POSITIVE_INFINITY);
    const a = allocation(
      { capacity: { cpus: 8, memoryBytes: 32 * G, swapBytes: 0, diskBytes: 500 * G } },
      {
        guests: [guest('a', 'running', 4, 8, 100)],
      },
    );
    expect(overcommitted(a, 0.4)).toEqual(['cpu']);
  });
});
