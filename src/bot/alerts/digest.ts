/**
 * The daily digest: once a day, at alerts.digest.at (UTC), one message with each host's capacity
 * ratios and the incidents of the last 24 hours (what is still open, and what opened and cleared).
 * A Redis key per day makes it one message however many bot replicas or restarts there are.
 */

import type { Redis } from 'ioredis';
import type { Config } from '../../config/schema.js';
import type { AlertState } from '../../model/alert.js';
import { overcommitLevels, type ResourceLevel } from '../../model/overcommit.js';
import type { AlertStore } from '../../store/alerts.js';
import type { FleetStore } from '../../store/fleet.js';
import type { Keys } from '../../store/keys.js';

const DAY = 24 * 3600_000;

/** What the daily digest says: each host's overcommit, and the day's incidents. */
export interface Digest {
  now: number;
  hosts: Array<{ name: string; registered: boolean; reporting: boolean; levels: ResourceLevel[] }>;
  open: AlertState[];
  resolved: AlertState[];
}

/** The digest of the day ending at `now`. */
export async function digestOf(o: {
  config: Config;
  fleet: FleetStore;
  store: AlertStore;
  now: number;
}): Promise<Digest> {
  const views = await o.fleet.hosts(Object.keys(o.config.hosts));
  const hosts = views.map((v) => ({
    name: v.name,
    registered: v.registration !== undefined,
    reporting: v.lastBeat !== undefined,
    levels: v.registration
      ? overcommitLevels({
          host: v.name,
          group: o.config.hosts[v.name]?.group ?? 'default',
          registration: v.registration,
          inventory: v.inventory,
          config: o.config,
        })
      : [],
  }));
  const recent = (await o.store.kept()).filter((a) => a.lastAt >= o.now - DAY);
  return {
    now: o.now,
    hosts,
    open: recent.filter((a) => a.status === 'open'),
    resolved: recent.filter((a) => a.status === 'resolved'),
  };
}

/** Whether the digest of the day containing `now` is due and not sent yet; claims it if so. */
export async function claimDigest(redis: Redis, keys: Keys, at: string, now: number): Promise<boolean> {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const d = new Date(now);
  const due = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m);
  if (now < due) return false;
  const key = keys.digest(d.toISOString().slice(0, 10));
  return (await redis.set(key, String(now), 'PX', 2 * DAY, 'NX')) === 'OK';
}
