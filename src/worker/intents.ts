/**
 * What our own operations are doing to guests, so the watcher can tell a stop we asked for from
 * one nobody asked for. A stop is ours while an operation runs on the guest, and for a grace period
 * after an operation that stops or restarts guests (events and polls arrive late). A crash is
 * never ours, and neither is a stop right after, say, a start.
 */
import type { GuestEventType } from '../model/hypervisor.js';

export class Intents {
  private readonly active = new Map<string, number>();
  private readonly stoppedByUsAt = new Map<string, number>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  begin(guestId: string): void {
    this.active.set(guestId, (this.active.get(guestId) ?? 0) + 1);
  }

  /** An operation on the guest ended; `stopsGuest` is what it declares (see OperationDef). */
  end(guestId: string, stopsGuest: boolean): void {
    const n = (this.active.get(guestId) ?? 1) - 1;
    if (n <= 0) this.active.delete(guestId);
    else this.active.set(guestId, n);
    if (stopsGuest) this.stoppedByUsAt.set(guestId, this.now());
  }

  /** True when an event of this type for this guest at `at` can be explained by one of our operations. */
  explains(guestId: string, type: GuestEventType, at = this.now()): boolean {
    if (type === 'crashed') return false;
    if (this.active.has(guestId)) return true;
    const ended = this.stoppedByUsAt.get(guestId);
    return ended !== undefined && at - ended <= this.graceMs;
  }
}
