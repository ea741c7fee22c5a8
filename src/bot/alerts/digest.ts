/**
 * The daily digest: once a day, at alerts.digest.at (UTC), one message with each host's capacity
 * ratios and the incidents of the last 24 hours (what is still open, and what opened and cleared).
 * A Redis key per day makes it one message however many bot replicas or restarts there are.
 */

import type { Redis } from 'ioredis';
import { SEVERITY_ICON } from '../../chat/view/alert-card.js';
import { type Block, context, header, section, sectionsOf } from '../../chat/view/blocks.js';
import { capacityLine } from '../../chat/view/capacity.js';
import type { Config } from '../../config/schema.js';
import type { AlertState } from '../../model/alert.js';
import { overcommitLevels } from '../../model/overcommit.js';
import { formatDuration } from '../../model/units.js';
import type { AlertStore } from '../../store/alerts.js';
import type { FleetStore } from '../../store/fleet.js';
import type { Keys } from '../../store/keys.js';

const DAY = 24 * 3600_000;

/** The digest's blocks for the day ending at `now`. */
export async function digestBlocks(o: {
  config: Config;
  fleet: FleetStore;
  store: AlertStore;
  redis: Redis;
  keys: Keys;
  now: number;
}): Promise<Block[]> {
  const hosts = Object.keys(o.config.hosts);
  const views = await o.fleet.hosts(hosts);
  const lines: string[] = [];
  for (const v of views) {
    if (!v.registration) {
      lines.push(`*${v.name}*: never reported`);
      continue;
    }
    const levels = overcommitLevels({
      host: v.name,
      group: o.config.hosts[v.name]?.group ?? 'default',
      registration: v.registration,
      inventory: v.inventory,
      config: o.config,
    });
    lines.push(
      `*${v.name}*${v.lastBeat === undefined ? ' (not reporting)' : ''}\n${levels.map(capacityLine).join('\n')}`,
    );
  }
  const recent = (await allAlerts(o)).filter((a) => a.lastAt >= o.now - DAY);
  const open = recent.filter((a) => a.status === 'open');
  const cleared = recent.filter((a) => a.status === 'resolved');
  const row = (a: AlertState) =>
    `${SEVERITY_ICON[a.severity]} ${a.title}${a.count > 1 ? ` (${a.count}×)` : ''}${a.status === 'resolved' ? `, resolved after ${formatDuration(Math.max(0, (a.resolvedAt ?? o.now) - a.openedAt))}` : ''}`;
  return [
    header(`vpsops daily digest · ${new Date(o.now).toISOString().slice(0, 10)}`),
    section('*Capacity*'),
    ...sectionsOf(lines.length ? lines : ['No hosts configured.']),
    section(`*Incidents in the last 24 h*: ${open.length} open, ${cleared.length} resolved`),
    ...sectionsOf([...open, ...cleared].map(row)),
    context('/vps alerts for what is open · /vps capacity for the ratios'),
  ];
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
