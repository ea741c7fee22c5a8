/**
 * Per-guest FIFO locks plus a host-wide limit on operations running at once. A job waiting for its
 * guest does not take a running slot, so one busy guest never holds up the others.
 */
import { OpError } from '../model/errors.js';

type Waiter = { resolve: () => void; reject: (e: unknown) => void };

/** A counting semaphore with FIFO hand-off and abortable waits. */
export class Semaphore {
  private queue: Waiter[] = [];

  constructor(private free: number) {}

  /** Where a new caller would stand in line: 0 if it would go at once, 1 if next, and so on. */
  get placeInLine(): number {
    return this.free > 0 && this.queue.length === 0 ? 0 : this.queue.length + 1;
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    // A cancel that came before the wait began fires no abort event: refuse it here.
    if (signal?.aborted) throw cancelledWaiting();
    if (this.free > 0 && this.queue.length === 0) {
      this.free--;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject };
      this.queue.push(w);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.queue.indexOf(w);
          if (i >= 0) {
            this.queue.splice(i, 1);
            reject(cancelledWaiting());
          }
        },
        { once: true },
      );
    });
    return this.releaser();
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.queue.shift();
      if (next) next.resolve();
      else this.free++;
    };
  }
}

function cancelledWaiting(): OpError {
  return new OpError('CANCELLED', 'The operation was cancelled while it waited for its turn.');
}

/** One FIFO mutex per key (guest), created on demand and dropped when idle. */
export class GuestLocks {
  private readonly locks = new Map<string, { sem: Semaphore; users: number }>();

  /** Whether an operation holds or waits for this guest. */
  busy(key: string): boolean {
    return this.locks.has(key);
  }

  async acquire(key: string, signal?: AbortSignal): Promise<() => void> {
    let entry = this.locks.get(key);
    if (!entry) {
      entry = { sem: new Semaphore(1), users: 0 };
      this.locks.set(key, entry);
    }
    entry.users++;
    const e = entry;
    const drop = () => {
      if (--e.users === 0) this.locks.delete(key);
    };
    try {
      const release = await e.sem.acquire(signal);
      return () => {
        release();
        drop();
      };
    } catch (err) {
      drop();
      throw err;
    }
  }
}
