/**
 * Throttles an operation's progress. The first notice ("running", with the latest step) goes out
 * only if the operation is still running after `firstAfterMs`, so quick operations cost no chat
 * update at all; after that at most one per `intervalMs`, always the latest state, nothing after close.
 */
export type ProgressSink = (pct: number, step: string | undefined) => Promise<void>;

export interface ProgressTiming {
  firstAfterMs: number;
  intervalMs: number;
}

export class ProgressReporter {
  private pending: { pct: number; step: string | undefined } | undefined = { pct: 0, step: undefined };
  private timer: NodeJS.Timeout | undefined;
  private nextAt: number;
  private closed = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly timing: ProgressTiming,
    private readonly onError: (err: unknown) => void,
  ) {
    this.nextAt = Date.now() + timing.firstAfterMs;
    this.timer = setTimeout(() => this.flush(), timing.firstAfterMs);
  }

  report = (pct: number, step: string): void => {
    if (this.closed) return;
    this.pending = { pct, step };
    const wait = this.nextAt - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  };

  private flush(): void {
    this.timer = undefined;
    const p = this.pending;
    if (!p || this.closed) return;
    this.pending = undefined;
    this.nextAt = Date.now() + this.timing.intervalMs;
    this.sink(p.pct, p.step).catch(this.onError);
  }

  /** Drops anything not yet sent; the final notice supersedes it. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
