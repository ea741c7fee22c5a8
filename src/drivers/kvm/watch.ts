/**
 * watch(): lifecycle events from a supervised `virsh event --all --loop --timestamp` child,
 * restarted with backoff when it dies (libvirtd restart), plus a reconciliation scan (list())
 * that reports changes the stream missed (while it was down, or lost). The test driver has no
 * shared event stream, so there the scan is the only source.
 */

import type { Guest, GuestEvent, GuestState } from '../../model/hypervisor.js';
import { streamLines } from '../exec.js';
import { diffGuests, pause } from '../poll-events.js';
import type { KvmContext } from './context.js';
import { EVENT_ARGS, parseEvent } from './events.js';
import type { Inventory } from './inventory.js';
import { VIRSH_ENV } from './virsh.js';

export interface WatchSettings {
  /** Period of the reconciliation scan. */
  scanIntervalMs: number;
  /** First wait before restarting a dead event child; doubles up to `restartMaxMs`. */
  restartFirstMs: number;
  restartMaxMs: number;
}

// A child that ran this long was healthy: its next death starts the backoff over.
const HEALTHY_MS = 60_000;
const STDERR_KEEP = 2_000;

/** A queue of events between the producers (child, scans) and the async iterator. */
class Channel {
  private readonly items: GuestEvent[] = [];
  private wake: (() => void) | undefined;

  push(e: GuestEvent): void {
    this.items.push(e);
    this.wake?.();
  }

  async *drain(signal: AbortSignal): AsyncGenerator<GuestEvent> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const next = this.items.shift();
        if (next) {
          yield next;
          continue;
        }
        await new Promise<void>((r) => {
          this.wake = r;
        });
        this.wake = undefined;
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
}

const AFTER: Partial<Record<GuestEvent['type'], GuestState>> = {
  started: 'running',
  resumed: 'running',
  paused: 'paused',
  stopped: 'stopped',
  crashed: 'crashed',
};

/** What the watch believes each guest's state is, from the stream and the scans. */
export class Known {
  private readonly state = new Map<string, GuestState>();
  /** When the stream last said something about a guest (local clock). */
  private readonly touched = new Map<string, number>();

  fromStream(e: GuestEvent): void {
    this.touched.set(e.guestId, Date.now());
    if (e.type === 'destroyed') this.state.delete(e.guestId);
    else if (e.type === 'created') {
      if (!this.state.has(e.guestId)) this.state.set(e.guestId, 'stopped');
    } else {
      const s = AFTER[e.type];
      if (s) this.state.set(e.guestId, s);
    }
  }

  /** Events for what a scan begun at `since` shows differently, skipping guests the stream spoke of since. */
  fromScan(guests: readonly Guest[], since: number, first: boolean): GuestEvent[] {
    const fresh = (id: string) => (this.touched.get(id) ?? Number.NEGATIVE_INFINITY) >= since;
    const prev = [...this.state].map(([id, state]) => ({ id, state }) as Guest);
    const events = first ? [] : diffGuests(prev, guests, Date.now()).filter((e) => !fresh(e.guestId));
    const seen = new Set(guests.map((g) => g.id));
    for (const g of guests) if (!fresh(g.id)) this.state.set(g.id, g.state);
    for (const id of [...this.state.keys()]) if (!seen.has(id) && !fresh(id)) this.state.delete(id);
    return events;
  }
}

/** Lifecycle events until the signal aborts. */
export async function* watchGuests(
  k: KvmContext,
  inv: Inventory,
  s: WatchSettings,
  signal: AbortSignal,
): AsyncGenerator<GuestEvent> {
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const ch = new Channel();
  const known = new Known();
  let rescan: (() => void) | undefined;
  const tasks: Promise<void>[] = [];
  if (!k.testDriver) {
    const onEvent = (e: GuestEvent) => {
      known.fromStream(e);
      ch.push(e);
    };
    tasks.push(superviseEventChild(k, s, onEvent, () => rescan?.(), stop.signal));
  }
  tasks.push(
    scanLoop(k, inv, s, known, ch, stop.signal, (wake) => {
      rescan = wake;
    }),
  );
  try {
    yield* ch.drain(stop.signal);
  } finally {
    stop.abort();
    signal.removeEventListener('abort', onAbort);
    await Promise.allSettled(tasks);
  }
}

async function scanLoop(
  k: KvmContext,
  inv: Inventory,
  s: WatchSettings,
  known: Known,
  ch: Channel,
  signal: AbortSignal,
  setWake: (wake: () => void) => void,
): Promise<void> {
  let first = true;
  while (!signal.aborted) {
    const since = Date.now();
    try {
      const guests = await inv.list(signal);
      for (const e of known.fromScan(guests, since, first)) ch.push(e);
      first = false;
    } catch (err) {
      // A failed scan is logged and retried at the next tick: one bad listing must not end the watch.
      if (!signal.aborted) k.log.warn({ err }, 'kvm watch: listing failed; will retry');
    }
    const early = new AbortController();
    setWake(() => early.abort());
    await pause(s.scanIntervalMs, AbortSignal.any([signal, early.signal]));
  }
}

async function superviseEventChild(
  k: KvmContext,
  s: WatchSettings,
  onEvent: (e: GuestEvent) => void,
  onRestart: () => void,
  signal: AbortSignal,
): Promise<void> {
  let wait = s.restartFirstMs;
  while (!signal.aborted) {
    const started = Date.now();
    const { exitCode, stderr } = await runEventChild(k, onEvent, signal);
    if (signal.aborted) return;
    if (Date.now() - started > HEALTHY_MS) wait = s.restartFirstMs;
    k.log.warn(
      { exitCode, stderr: stderr.trim(), restartInMs: wait },
      'virsh event stream ended; restarting it',
    );
    await pause(wait, signal);
    wait = Math.min(wait * 2, s.restartMaxMs);
    // Whatever happened while the stream was down is found by a scan right away.
    onRestart();
  }
}

async function runEventChild(
  k: KvmContext,
  onEvent: (e: GuestEvent) => void,
  signal: AbortSignal,
): Promise<{ exitCode: number | undefined; stderr: string }> {
  return streamLines(
    k.virsh.file,
    k.virsh.argv(EVENT_ARGS),
    (line) => {
      const e = parseEvent(line);
      if (e) onEvent(e);
    },
    { env: VIRSH_ENV, signal, stderrKeep: STDERR_KEEP },
  );
}
