/**
 * Which hosts are in maintenance, as the pipeline asks on every command: read from Redis at most
 * every couple of seconds, so the command path does not pay a round trip for it. A window started
 * on another bot replica is seen within that time.
 */
import type { MaintenanceWindow, SilenceStore } from '../../store/silences.js';

const FRESH_MS = 2_000;

export class MaintenanceCache {
  private windows = new Map<string, MaintenanceWindow>();
  private readAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly silences: SilenceStore,
    private readonly now: () => number = Date.now,
  ) {}

  async of(host: string): Promise<MaintenanceWindow | undefined> {
    if (this.now() - this.readAt > FRESH_MS) {
      this.loading ??= this.load().finally(() => {
        this.loading = undefined;
      });
      await this.loading;
    }
    const w = this.windows.get(host);
    return w && w.until > this.now() ? w : undefined;
  }

  /** Forget what was read (after this process changed a window). */
  invalidate(): void {
    this.readAt = 0;
  }

  private async load(): Promise<void> {
    const all = await this.silences.allMaintenance(this.now());
    this.windows = new Map(all.map((w) => [w.host, w]));
    this.readAt = this.now();
  }
}
