import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../src/log.js';
import type { FailCount, Guest } from '../../../src/model/hypervisor.js';
import type { PressureNotice } from '../../../src/store/notify.js';
import { PressurePoller } from '../../../src/worker/pressure.js';

const guest = (id: string, name: string): Guest => ({
  id,
  name,
  state: 'running',
  vcpus: 1,
  memoryBytes: 256 * 2 ** 20,
  diskBytes: 2 * 2 ** 30,
  ips: [],
});

const fc = (guestId: string, resource: string, failcnt: number): FailCount => ({
  guestId,
  resource,
  failcnt,
});

/** A poller over scripted readings (an Error is a failed read), with what it logged and published. */
function setup(readings: Array<FailCount[] | Error>, failPublish = false) {
  const guests = [guest('101', 'web-1'), guest('102', 'web-2')];
  const published: PressureNotice[] = [];
  const logs: Array<{ msg: string; level: number }> = [];
  let reads = 0;
  const poller = new PressurePoller({
    host: 'vz-1',
    read: async () => {
      const r = readings[Math.min(reads++, readings.length - 1)]!;
      if (r instanceof Error) throw r;
      return r;
    },
    guests: () => guests,
    publish: async (n) => {
      if (failPublish) throw new Error('redis down');
      published.push(n);
    },
    log: createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line)) }),
    intervalMs: 10,
    now: () => 1_000,
  });
  return { poller, published, logs, reads: () => reads };
}

describe('pressure poller', () => {
  it('takes the first reading as the baseline and reports only growth, naming guest and resource', async () => {
    const { poller, published } = setup([
      [fc('101', 'physpages', 12), fc('101', 'numproc', 0)],
      [fc('101', 'physpages', 12), fc('101', 'numproc', 0)],
      [fc('101', 'physpages', 17), fc('101', 'numproc', 0)],
    ]);
    expect(await poller.poll()).toEqual([]);
    expect(await poller.poll()).toEqual([]);
    const [n] = await poller.poll();
    expect(n).toEqual({
      kind: 'pressure',
      host: 'vz-1',
      guestId: '101',
      guestName: 'web-1',
      resource: 'physpages',
      failcnt: 17,
      grewBy: 5,
      at: 1_000,
    });
    expect(published).toEqual([n]);
  });

  it('ignores guests that are not in the listing', async () => {
    const { poller, published } = setup([[fc('999', 'physpages', 0)], [fc('999', 'physpages', 4)]]);
    await poller.poll();
    expect(await poller.poll()).toEqual([]);
    expect(published).toEqual([]);
  });

  it('takes a lower count (the container restarted) as the new baseline', async () => {
    const { poller } = setup([
      [fc('102', 'numproc', 30)],
      [fc('102', 'numproc', 0)],
      [fc('102', 'numproc', 2)],
    ]);
    await poller.poll();
    expect(await poller.poll()).toEqual([]);
    expect((await poller.poll()).map((n) => [n.guestName, n.resource, n.grewBy, n.failcnt])).toEqual([
      ['web-2', 'numproc', 2, 2],
    ]);
  });

  it('logs a failed read and reports growth across it at the next one', async () => {
    const { poller, logs } = setup([
      [fc('101', 'physpages', 1)],
      new Error('user_beancounters: EACCES'),
      [fc('101', 'physpages', 4)],
    ]);
    await poller.poll();
    expect(await poller.poll()).toEqual([]);
    expect(logs.some((l) => l.level === 40 && /reading fail counters failed/.test(l.msg))).toBe(true);
    expect((await poller.poll()).map((n) => n.grewBy)).toEqual([3]);
  });

  it('survives a notice that cannot be published', async () => {
    const { poller, logs } = setup([[fc('101', 'physpages', 1)], [fc('101', 'physpages', 2)]], true);
    await poller.poll();
    expect(await poller.poll()).toHaveLength(1);
    expect(logs.some((l) => /not published/.test(l.msg))).toBe(true);
  });

  it('polls on its interval until stopped (on a fake clock)', async () => {
    vi.useFakeTimers();
    try {
      const { poller, reads } = setup([[fc('101', 'physpages', 1)]]);
      poller.start();
      // The baseline is read at once; each later reading comes one interval (10 ms) after the last.
      await vi.advanceTimersByTimeAsync(0);
      expect(reads()).toBe(1);
      await vi.advanceTimersByTimeAsync(9);
      expect(reads()).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(reads()).toBe(2);
      await vi.advanceTimersByTimeAsync(20);
      expect(reads()).toBe(4);
      // It was polling on time up to here: a hundred intervals after stop() would show any more.
      poller.stop();
      await vi.advanceTimersByTimeAsync(1_000);
      expect(reads()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
