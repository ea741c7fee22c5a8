/**
 * Watches the host's guests: every lifecycle event refreshes the inventory, and a stop or crash
 * that none of our operations explains goes to the notify queue as a guest event.
 */

import type { Logger } from '../log.js';
import type { GuestEvent, Hypervisor } from '../model/hypervisor.js';
import type { NotifyPublisher } from '../store/notify.js';
import type { Intents } from './intents.js';
import type { InventoryPublisher } from './inventory.js';

const RESTART_DELAY_MS = 2_000;

export class GuestWatcher {
  private readonly abort = new AbortController();

  constructor(
    private readonly host: string,
    private readonly driver: Hypervisor,
    private readonly intents: Intents,
    private readonly inventory: InventoryPublisher,
    private readonly notify: NotifyPublisher,
    private readonly log: Logger,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.abort.abort();
  }

  private async loop(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        // The inventory this worker published is the baseline: the bot sees the host up only after
        // it, so a crash right after start-up is still a change.
        for await (const ev of this.driver.watch(signal, this.inventory.guests)) await this.onEvent(ev);
      } catch (err) {
        if (signal.aborted) return;
        this.log.warn({ err }, 'guest watch stopped; restarting it');
      }
      await new Promise((r) => setTimeout(r, RESTART_DELAY_MS).unref());
    }
  }

  private async onEvent(ev: GuestEvent): Promise<void> {
    void this.inventory.refresh();
    const unexpected =
      (ev.type === 'stopped' || ev.type === 'crashed') && !this.intents.explains(ev.guestId, ev.type, ev.at);
    if (!unexpected) return;
    const name = this.inventory.guests.find((g) => g.id === ev.guestId)?.name ?? ev.guestId;
    this.log.warn({ guest: ev.guestId, event: ev.type, reason: ev.reason }, 'guest stopped out of band');
    await this.notify.publish({
      kind: 'guest',
      host: this.host,
      guestId: ev.guestId,
      guestName: name,
      event: ev.type,
      at: ev.at,
      ...(ev.reason ? { reason: ev.reason } : {}),
    });
  }
}
