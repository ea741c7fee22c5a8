/**
 * Resource pressure (OpenVZ): polls the guests' beancounter fail counters and publishes a notice
 * when one grows. The first reading of each (guest, resource) is only a baseline, so counts from
 * before the worker started raise nothing. Resolving is the alert manager's (by age).
 */

import type { Logger } from '../log.js';
import { OpError } from '../model/errors.js';
import type { FailCount, Guest } from '../model/hypervisor.js';
import type { PressureNotice } from '../store/notify.js';

export interface PressurePollerOptions {
  host: string;
  /** One reading of every running guest's fail counters (the driver's `failCounts`). */
  read: (signal: AbortSignal) => Promise<FailCount[]>;
  /** The host's current listing: only its guests are reported, and it gives their names. */
  guests: () => readonly Guest[];
  publish: (n: PressureNotice) => Promise<void>;
  log: Logger;
  intervalMs: number;
  now?: () => number;
}

const key = (c: FailCount) => `${c.guestId}\u0000${c.resource}`;

export class PressurePoller {
  private readonly abort = new AbortController();
  /** failcnt per (guest, resource) at the previous successful reading; undefined before the first. */
  private prev: Map<string, number> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly o: PressurePollerOptions) {
    if (!Number.isFinite(o.intervalMs) || o.intervalMs <= 0) {
      throw new OpError(
        'CONFIG',
        `The pressure poll interval must be a positive duration, got ${String(o.intervalMs)}.`,
      );
    }
    this.now = o.now ?? Date.now;
  }

  /** Takes the baseline now, then polls every intervalMs until stop(). */
  start(): void {
    const tick = async () => {
      await this.poll();
      if (!this.abort.signal.aborted) this.timer = setTimeout(tick, this.o.intervalMs).unref();
    };
    void tick();
  }

  stop(): void {
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
  }

  /** One reading: publishes a notice per grown counter and returns them. Never throws. */
  async poll(): Promise<PressureNotice[]> {
    const signal = this.abort.signal;
    let counts: FailCount[];
    try {
      counts = await this.o.read(signal);
    } catch (err) {
      // A failed read keeps the previous baseline: growth across it is reported at the next one.
      if (!signal.aborted) this.o.log.warn({ err }, 'pressure: reading fail counters failed; will retry');
      return [];
    }
    const notices = this.compare(counts);
    for (const n of notices) {
      if (signal.aborted) break;
      this.o.log.warn(
        { guest: n.guestId, resource: n.resource, failcnt: n.failcnt, grewBy: n.grewBy },
        'guest under resource pressure',
      );
      await this.o.publish(n).catch((err) => this.o.log.warn({ err }, 'pressure notice not published'));
    }
    return notices;
  }

  /** The notices for counters that grew since the previous reading; this reading becomes the baseline. */
  private compare(counts: FailCount[]): PressureNotice[] {
    const prev = this.prev;
    const next = new Map<string, number>();
    const names = new Map(this.o.guests().map((g) => [g.id, g.name]));
    const at = this.now();
    const out: PressureNotice[] = [];
    for (const c of counts) {
      next.set(key(c), c.failcnt);
      const before = prev?.get(key(c));
      // No previous value: a baseline. Lower than before: the guest restarted and its counters reset.
      if (before === undefined || c.failcnt <= before) continue;
      const guestName = names.get(c.guestId);
      if (guestName === undefined) continue;
      out.push({
        kind: 'pressure',
        host: this.o.host,
        guestId: c.guestId,
        guestName,
        resource: c.resource,
        failcnt: c.failcnt,
        grewBy: c.failcnt - before,
        at,
      });
    }
    this.prev = next;
    return out;
  }
}
