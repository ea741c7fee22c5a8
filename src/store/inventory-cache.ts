/**
 * The bot's index of which guests exist where, so resolving a guest name costs no round trip and
 * no parse of a large inventory. Guest states in it may be stale: it is for names and ids only
 * (reads such as list and status go to Redis). Workers announce on a pub/sub channel whenever
 * guests come or go, and that host's entry is dropped at once. Without a live subscription the
 * cache steps aside.
 */
import type { Redis } from 'ioredis';
import type { FleetStore, Inventory } from './fleet.js';
import type { Keys } from './keys.js';

/** Even with invalidation, nothing older than this is trusted (a missed message heals itself). */
const MAX_AGE_MS = 30_000;

/** Anything that can hand out inventories: the cache, or the fleet store directly. */
export interface InventorySource {
  inventories(hosts: string[]): Promise<Map<string, Inventory>>;
}

export class InventoryCache implements InventorySource {
  private readonly entries = new Map<string, { inv: Inventory | undefined; at: number }>();
  /** Bumped at every invalidation, so a fetch that raced with a write is not cached. */
  private readonly generation = new Map<string, number>();
  private live = false;

  constructor(
    private readonly fleet: FleetStore,
    private readonly sub: Redis,
    private readonly keys: Keys,
    private readonly now: () => number = Date.now,
  ) {
    sub.on('message', (channel: string, host: string) => {
      if (channel !== keys.inventoryChannel) return;
      this.entries.delete(host);
      this.generation.set(host, (this.generation.get(host) ?? 0) + 1);
    });
    // Messages may have been missed while the subscription was down.
    sub.on('close', () => {
      this.live = false;
      this.entries.clear();
    });
    sub.on('ready', () => void this.subscribe());
  }

  async subscribe(): Promise<void> {
    await this.sub.subscribe(this.keys.inventoryChannel);
    this.entries.clear();
    this.live = true;
  }

  /** Inventories of these hosts, from the cache where it is fresh, else from Redis. */
  async inventories(hosts: string[]): Promise<Map<string, Inventory>> {
    const out = new Map<string, Inventory>();
    const missing: string[] = [];
    const now = this.now();
    for (const h of hosts) {
      const e = this.live ? this.entries.get(h) : undefined;
      if (e && now - e.at < MAX_AGE_MS) {
        if (e.inv) out.set(h, e.inv);
      } else missing.push(h);
    }
    if (missing.length === 0) return out;
    const gens = missing.map((h) => this.generation.get(h) ?? 0);
    const wasLive = this.live;
    const fetched = await this.fleet.inventories(missing);
    missing.forEach((h, i) => {
      const inv = fetched.get(h);
      if (inv) out.set(h, inv);
      if (wasLive && this.live && (this.generation.get(h) ?? 0) === gens[i])
        this.entries.set(h, { inv, at: now });
    });
    return out;
  }
}
