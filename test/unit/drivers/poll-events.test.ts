import { describe, expect, it, vi } from 'vitest';
import { diffGuests, pause } from '../../../src/drivers/poll-events.js';
import type { Guest, GuestState } from '../../../src/model/hypervisor.js';

const g = (id: string, state: GuestState, stateReason?: string): Guest => ({
  id,
  name: id,
  state,
  vcpus: 1,
  memoryBytes: 0,
  diskBytes: 0,
  ips: [],
  ...(stateReason ? { stateReason } : {}),
});

describe('diffGuests', () => {
  it('reports state changes', () => {
    const prev = [
      g('101', 'running'),
      g('102', 'stopped'),
      g('103', 'running'),
      g('104', 'paused', 'suspended'),
    ];
    const next = [
      g('101', 'stopped'),
      g('102', 'running'),
      g('103', 'paused', 'suspended'),
      g('104', 'running'),
    ];
    expect(diffGuests(prev, next, 42)).toEqual([
      { type: 'stopped', guestId: '101', at: 42 },
      { type: 'started', guestId: '102', at: 42 },
      { type: 'paused', guestId: '103', reason: 'suspended', at: 42 },
      { type: 'resumed', guestId: '104', at: 42 },
    ]);
  });

  it('reports created and destroyed guests, and nothing when nothing changed', () => {
    expect(diffGuests([g('101', 'stopped')], [g('102', 'running')], 1)).toEqual([
      { type: 'created', guestId: '102', at: 1 },
      { type: 'started', guestId: '102', at: 1 },
      { type: 'destroyed', guestId: '101', at: 1 },
    ]);
    expect(diffGuests([g('101', 'stopped')], [g('101', 'stopped', 'mounted')], 1)).toEqual([]);
  });
});

describe('pause', () => {
  it('returns early when the signal aborts, and leaves no timer behind (fake clock)', async () => {
    vi.useFakeTimers();
    try {
      const ac = new AbortController();
      let done = false;
      const paused = pause(10_000, ac.signal).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(20);
      // The control: it really is waiting.
      expect(done).toBe(false);
      ac.abort();
      await paused;
      // Resolved with the clock still at 20 ms of 10 s, and its timer cleared.
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
