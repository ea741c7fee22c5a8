/**
 * The fleet as Redis knows it: host registrations, heartbeats and inventories. Workers write it;
 * the bot answers hosts/list/status from it in milliseconds without touching a hypervisor.
 */
import type { Redis } from 'ioredis';
import type { Keys } from './keys.js';

export type { HostRegistration, HostView, Inventory } from '../model/inventory.js';

import type { HostRegistration, HostView, Inventory } from '../model/inventory.js';

export class FleetStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  async register(reg: HostRegistration): Promise<void> {
    await this.redis.hset(this.keys.hosts, reg.host, JSON.stringify(reg));
  }

  /** A live heartbeat with a TTL, and the last time seen, which outlives it (for "silent since"). */
  async heartbeat(host: string, ttlMs: number, now = Date.now()): Promise<void> {
    await this.redis
      .pipeline()
      .set(this.keys.heartbeat(host), String(now), 'PX', ttlMs)
      .hset(this.keys.lastSeen, host, String(now))
      .exec();
  }

  /** Whether the host's worker is reporting right now. */
  async isUp(host: string): Promise<boolean> {
    return (await this.redis.exists(this.keys.heartbeat(host))) === 1;
  }

  /** Clears the heartbeat at a clean shutdown so the host reads as down at once. */
  async signOff(host: string): Promise<void> {
    await this.redis.del(this.keys.heartbeat(host));
  }

  /**
   * Writes the inventory; when guests came or went (`membershipChanged`), also announces it so bots
   * drop their name index. Commands on one connection run in order: anything sent after this call
   * sees the new inventory.
   */
  async publishInventory(inv: Inventory, membershipChanged = true): Promise<void> {
    const data = JSON.stringify(inv);
    if (!membershipChanged) {
      await this.redis.set(this.keys.inventory(inv.host), data);
      return;
    }
    await this.redis
      .multi()
      .set(this.keys.inventory(inv.host), data)
      .publish(this.keys.inventoryChannel, inv.host)
      .exec();
  }

  /** Everything known about the given hosts, in two round trips. */
  async hosts(names: string[]): Promise<HostView[]> {
    if (names.length === 0) return [];
    const pipe = this.redis.pipeline();
    pipe.hmget(this.keys.hosts, ...names);
    for (const n of names) pipe.get(this.keys.heartbeat(n));
    for (const n of names) pipe.get(this.keys.inventory(n));
    pipe.hmget(this.keys.lastSeen, ...names);
    const res = (await pipe.exec()) ?? [];
    const regs = (res[0]?.[1] as (string | null)[] | undefined) ?? [];
    const seen = (res[1 + 2 * names.length]?.[1] as (string | null)[] | undefined) ?? [];
    return names.map((name, i) => {
      const view: HostView = { name };
      const reg = regs[i];
      if (reg) view.registration = JSON.parse(reg) as HostRegistration;
      const beat = res[1 + i]?.[1] as string | null | undefined;
      if (beat) view.lastBeat = Number(beat);
      const inv = res[1 + names.length + i]?.[1] as string | null | undefined;
      if (inv) view.inventory = JSON.parse(inv) as Inventory;
      if (seen[i]) view.lastSeen = Number(seen[i]);
      return view;
    });
  }

  /** Inventories only (for resolving guest names), one round trip. */
  async inventories(names: string[]): Promise<Map<string, Inventory>> {
    const out = new Map<string, Inventory>();
    if (names.length === 0) return out;
    const raw = await this.redis.mget(...names.map((n) => this.keys.inventory(n)));
    raw.forEach((r, i) => {
      if (r) out.set(names[i]!, JSON.parse(r) as Inventory);
    });
    return out;
  }
}
