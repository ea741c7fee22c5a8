/** How watch() merges the event stream and its reconciliation scans without double or stale events. */
import { describe, expect, it } from 'vitest';
import { Known } from '../../../../src/drivers/kvm/watch.js';
import type { Guest, GuestState } from '../../../../src/model/hypervisor.js';

const g = (id: string, state: GuestState): Guest => ({
  id,
  name: id,
  state,
  vcpus: 1,
  memoryBytes: 0,
  diskBytes: 0,
  ips: [],
});
const types = (events: { type: string; guestId: string }[]) => events.map((e) => `${e.guestId}:${e.type}`);

describe('Known', () => {
  it('takes the first scan as the baseline without events', () => {
    const k = new Known();
    expect(k.fromScan([g('a', 'running'), g('b', 'stopped')], 0, true)).toEqual([]);
  });

  it('reports what the stream missed: a crash, a new guest, a removed one', () => {
    const k = new Known();
    k.fromScan([g('a', 'running'), g('b', 'stopped')], 0, true);
    const events = k.fromScan([g('a', 'crashed'), g('c', 'running')], Date.now(), false);
    expect(types(events)).toEqual(['a:crashed', 'c:created', 'c:started', 'b:destroyed']);
  });

  it('does not repeat what the stream already said', () => {
    const k = new Known();
    k.fromScan([g('a', 'running')], 0, true);
    k.fromStream({ type: 'stopped', guestId: 'a', at: Date.now() });
    expect(k.fromScan([g('a', 'stopped')], 0, false)).toEqual([]);
  });

  it('ignores a scan that began before the stream spoke of a guest (its view is older)', () => {
    const k = new Known();
    k.fromScan([g('a', 'running')], 0, true);
    const scanBegan = Date.now() - 1_000;
    k.fromStream({ type: 'stopped', guestId: 'a', at: Date.now() });
    expect(k.fromScan([g('a', 'running')], scanBegan, false)).toEqual([]);
    // The next scan, begun after the event, still agrees with it: nothing to say.
    expect(k.fromScan([g('a', 'stopped')], Date.now() + 1, false)).toEqual([]);
  });
});
