/**
 * Throttles an operation's progress: at most one notice per interval, always the latest state,
 * and nothing after the job has finished.
 */
export type ProgressSink = (pct: number, step: string) => Promise<void>;

export class ProgressReporter {
  private pending: { pct: number; step: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSent = 0;
  private closed = false;

  constructor(
    private readonly sink: ProgressSink,
    private readonly intervalMs: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  report = (pct: number, step: string): void => {
    if (this.closed) return;
    this.pending = { pct, step };
    const wait = this.lastSent + this.intervalMs - Date.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  };

  private flush(): void {
    this.timer = undefined;
    const p = this.pending;
    if (!p || this.closed) return;
    this.pending = undefined;
    this.lastSent = Date.now();
    this.sink(p.pct, p.step).catch(this.onError);
  }

  /** Drops anything not yet sent; the final notice supersedes it. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
