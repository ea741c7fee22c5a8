/**
 * Silences and maintenance windows: what keeps a raised alert out of chat. A silence matches one
 * fingerprint, every alert of a host, or every alert of one guest; a maintenance window mutes a
 * whole host. Both end at `until` by the caller's clock, not by a Redis TTL, so tests control
 * time; whatever is found expired on a read is deleted then.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Alert, MuteReason } from '../model/alert.js';
import { OpError } from '../model/errors.js';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';

export type { MaintenanceWindow, Silence, SilenceScope } from '../model/alert.js';

import type { MaintenanceWindow, Silence, SilenceScope } from '../model/alert.js';

export class SilenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /** Starts a silence; throws BAD_INPUT when its scope is empty or it would end by `now`. */
  async silence(
    s: { scope: SilenceScope; until: number; by: string; reason?: string },
    now = Date.now(),
  ): Promise<Silence> {
    const target = 'fingerprint' in s.scope ? s.scope.fingerprint : s.scope.host;
    if (!target) throw new OpError('BAD_INPUT', 'A silence needs a fingerprint or a host.');
    checkUntil(s.until, now);
    const silence: Silence = { id: randomBytes(6).toString('hex'), ...s, createdAt: now };
    await this.redis.hset(this.keys.silences, silence.id, JSON.stringify(silence));
    return silence;
  }

  /** Ends a silence early; false if there was none with that id. */
  async unsilence(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.silences, id)) === 1;
  }

  /** Silences in force at `now`, soonest to end first; expired ones are deleted. */
  async list(now = Date.now()): Promise<Silence[]> {
    const all = Object.values(await this.redis.hgetall(this.keys.silences)).map(
      (raw) => JSON.parse(raw) as Silence,
    );
    const expired = all.filter((s) => s.until <= now).map((s) => s.id);
    // An id is never reused, so deleting an expired one cannot remove a newer silence.
    if (expired.length) await this.redis.hdel(this.keys.silences, ...expired);
    return all.filter((s) => s.until > now).sort((a, b) => a.until - b.until);
  }

  /** The silence in force that matches the alert, if any. */
  async isSilenced(alert: Alert, now = Date.now()): Promise<Silence | undefined> {
    return (await this.list(now)).find((s) => matches(s.scope, alert));
  }

  /** Mutes every alert of `host` until `until`, replacing a window already there. */
  async startMaintenance(
    host: string,
    w: { until: number; by: string; reason?: string },
    now = Date.now(),
  ): Promise<MaintenanceWindow> {
    if (!host) throw new OpError('BAD_INPUT', 'A maintenance window needs a host.');
    checkUntil(w.until, now);
    const window: MaintenanceWindow = { host, ...w, startedAt: now };
    await this.redis.hset(this.keys.maintenance, host, JSON.stringify(window));
    return window;
  }

  /** Ends the host's window early; false if it had none. */
  async endMaintenance(host: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.maintenance, host)) === 1;
  }

  /** The host's window in force at `now`, if any. */
  async maintenance(host: string, now = Date.now()): Promise<MaintenanceWindow | undefined> {
    const raw = await this.redis.hget(this.keys.maintenance, host);
    return raw ? this.current(raw, now) : undefined;
  }

  /** Every window in force at `now`, soonest to end first. */
  async allMaintenance(now = Date.now()): Promise<MaintenanceWindow[]> {
    const raws = Object.values(await this.redis.hgetall(this.keys.maintenance));
    const windows = await Promise.all(raws.map((raw) => this.current(raw, now)));
    return windows.filter((w): w is MaintenanceWindow => w !== undefined).sort((a, b) => a.until - b.until);
  }

  /** Why a raise of this alert stays out of chat at `now`: a silence first, then maintenance. */
  async mutedBy(alert: Alert, now = Date.now()): Promise<MuteReason | undefined> {
    const [silence, window] = await Promise.all([
      this.isSilenced(alert, now),
      this.maintenance(alert.host, now),
    ]);
    if (silence) return 'silenced';
    return window ? 'maintenance' : undefined;
  }

  private async current(raw: string, now: number): Promise<MaintenanceWindow | undefined> {
    const w = JSON.parse(raw) as MaintenanceWindow;
    if (w.until > now) return w;
    // Only if unchanged since read: a window started meanwhile by another replica survives.
    await scripts.hdelIfSame(this.redis, this.keys.maintenance, w.host, raw);
    return undefined;
  }
}

function matches(scope: SilenceScope, alert: Alert): boolean {
  if ('fingerprint' in scope) return scope.fingerprint === alert.fingerprint;
  if (scope.host !== alert.host) return false;
  return scope.guest === undefined || scope.guest === alert.guest;
}

function checkUntil(until: number, now: number): void {
  if (!Number.isFinite(until) || until <= now) {
    throw new OpError('BAD_INPUT', 'The end time must be in the future.', { field: 'until' });
  }
}
