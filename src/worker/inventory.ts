/**
 * Publishes the host's inventory to Redis after every change and on a timer, so reads answer
 * from Redis. Refreshes asked for while one runs are folded into one more scan.
 */

import type { Logger } from '../log.js';
import type { Guest, Hypervisor } from '../model/hypervisor.js';
import type { FleetStore } from '../store/fleet.js';

export class InventoryPublisher {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private last: Guest[] = [];
  /** ids and names of the last scan; bots re-read their name index only when it changes. */
  private membership: string | undefined;

  constructor(
    private readonly host: string,
    private readonly driver: Hypervisor,
    private readonly fleet: FleetStore,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  /** Guests as of the last scan (for naming guests in events). */
  get guests(): readonly Guest[] {
    return this.last;
  }

  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Scans and publishes. Resolves once the write of a scan that started after this call has been
   * sent to Redis (not acknowledged): later commands on the same connection see it.
   */
  refresh(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.scanLoop().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async scanLoop(): Promise<void> {
    do {
      this.again = false;
      try {
        const guests = await this.driver.list();
        this.last = guests;
        const membership = guests
          .map((g) => `${g.id}\u0000${g.name}`)
          .sort()
          .join('\u0001');
        const changed = membership !== this.membership;
        this.membership = membership;
        this.fleet
          .publishInventory({ host: this.host, at: Date.now(), guests }, changed)
          .catch((err) => this.log.warn({ err }, 'inventory write failed'));
      } catch (err) {
        this.log.warn({ err }, 'inventory scan failed');
      }
    } while (this.again);
  }
}
