/**
 * What our own operations are doing to guests, so the watcher can tell a stop we asked for from
 * one nobody asked for. A guest counts as "ours" while an operation runs on it and for a grace
 * period after, since hypervisor events and polls arrive late.
 */
export class Intents {
  private readonly active = new Map<string, number>();
  private readonly endedAt = new Map<string, number>();

  constructor(
    private readonly graceMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  begin(guestId: string): void {
    this.active.set(guestId, (this.active.get(guestId) ?? 0) + 1);
  }

  end(guestId: string): void {
    const n = (this.active.get(guestId) ?? 1) - 1;
    if (n <= 0) this.active.delete(guestId);
    else this.active.set(guestId, n);
    this.endedAt.set(guestId, this.now());
  }

  /** True when a change to this guest at `at` can be explained by one of our operations. */
  explains(guestId: string, at = this.now()): boolean {
    if (this.active.has(guestId)) return true;
    const ended = this.endedAt.get(guestId);
    return ended !== undefined && at - ended <= this.graceMs;
  }
}
