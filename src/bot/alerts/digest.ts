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
  redis: Redis;
  keys: Keys;
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
  const recent = (await allAlerts(o)).filter((a) => a.lastAt >= o.now - DAY);
  return {
    now: o.now,
    hosts,
    open: recent.filter((a) => a.status === 'open'),
    resolved: recent.filter((a) => a.status === 'resolved'),
  };
}

/** Every alert the store still keeps (resolved ones are kept a week). */
async function allAlerts(o: { redis: Redis; keys: Keys; store: AlertStore }): Promise<AlertState[]> {
  const prefix = `${o.keys.prefix}:alert:`;
  const fps: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await o.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const k of keys) if (!k.endsWith(':history')) fps.push(k.slice(prefix.length));
  } while (cursor !== '0');
  const states = await Promise.all(fps.map((fp) => o.store.get(fp)));
  return states.filter((s): s is AlertState => s !== undefined);
}

/** Whether the digest of the day containing `now` is due and not sent yet; claims it if so. */
export async function claimDigest(redis: Redis, keys: Keys, at: string, now: number): Promise<boolean> {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const d = new Date(now);
  const due = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), h, m);
  if (now < due) return false;
  const key = `${keys.prefix}:digest:${d.toISOString().slice(0, 10)}`;
  return (await redis.set(key, String(now), 'PX', 2 * DAY, 'NX')) === 'OK';
}
