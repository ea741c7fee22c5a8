/**
 * Alert state in Redis, one hash per fingerprint, and the hygiene rules that keep chat quiet: one
 * message per alert, edited only when something it shows changes (a repeat is counted, not
 * shown), a cooldown after a resolve within which a re-raise reopens the same alert, flap
 * detection, silences and maintenance windows. Each decision is one Lua script
 * (scripts/alert-decide.lua), so two bot replicas raising the same alert at once produce exactly one
 * 'post' and agree on every edit. Time is the caller's (`now` on every method, or the `now`
 * option): nothing here waits.
 */
import type { Redis } from 'ioredis';
import {
  type Alert,
  type AlertRules,
  type AlertState,
  checkRules,
  DEFAULT_RULES,
  parseState,
  type RaiseDecision,
  type ResolveDecision,
  type ScriptReply,
  SEVERITY_RANK,
  toDecision,
} from '../model/alert.js';
import { OpError } from '../model/errors.js';
import type { Keys } from './keys.js';
import { scripts } from './scripts.js';
import { SilenceStore } from './silences.js';

/** Options of the store: the rules (see `AlertRules` for defaults), the silences, a clock. */
export interface AlertStoreOptions extends Partial<AlertRules> {
  silences?: SilenceStore;
  /** The clock used when a method is not given `now`. */
  now?: () => number;
}

/** An alert whose flapping ended in `settle`, and what to do about its message. */
export type Settled = { fingerprint: string; decision: RaiseDecision | ResolveDecision };

export class AlertStore {
  readonly rules: AlertRules;
  readonly silences: SilenceStore;
  private readonly clock: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    opts: AlertStoreOptions = {},
  ) {
    const { silences, now, ...rules } = opts;
    this.rules = checkRules({ ...DEFAULT_RULES, ...rules });
    this.silences = silences ?? new SilenceStore(redis, keys);
    this.clock = now ?? Date.now;
  }

  /**
   * The alert was seen (again): post it, edit its message because something it shows changed, or
   * stay quiet and say why ('unchanged' for a mere repeat).
   */
  async raise(alert: Alert, now = this.clock()): Promise<RaiseDecision> {
    if (!alert.fingerprint || !(alert.severity in SEVERITY_RANK)) {
      throw new OpError('INTERNAL', `Not an alert: ${JSON.stringify(alert)}.`);
    }
    const muted = await this.silences.mutedBy(alert, now);
    const affected = [...(alert.affected ?? [])].sort().join(',');
    const r = await this.decide('raise', alert.fingerprint, now, {
      severity: alert.severity,
      json: JSON.stringify(alert),
      muted: muted ?? '',
      affected,
    });
    // A raise always answers with a decision, never ['none'].
    return toDecision(r as Exclude<ScriptReply, [string]>) as RaiseDecision;
  }

  /** The condition is gone: resolve it unless it is not open or is flapping. */
  async resolve(fp: string, now = this.clock()): Promise<ResolveDecision> {
    const r = await this.decide('resolve', fp, now);
    return r.length === 1 ? { action: 'none' } : (toDecision(r) as ResolveDecision);
  }

  /**
   * Ends flapping that has been stable for the window, for alerts nobody raises or resolves
   * any more; call it from a periodic scan. Returns what to do for each alert that settled.
   */
  async settle(now = this.clock()): Promise<Settled[]> {
    const fps = await this.redis.smembers(this.keys.alertsFlapping);
    const out: Settled[] = [];
    for (const fp of fps) {
      const r = await this.decide('settle', fp, now);
      if (r.length !== 1) out.push({ fingerprint: fp, decision: toDecision(r) });
    }
    return out;
  }

  /**
   * Records who acknowledged the alert, as shown: the caller edits its message, and the next raise
   * does not edit it again for that. Undefined if there is no such alert.
   */
  async ack(fp: string, user: string, now = this.clock()): Promise<AlertState | undefined> {
    const r = await this.decide('ack', fp, now, { severity: user });
    return r.length === 1 ? undefined : (toDecision(r) as RaiseDecision).state;
  }

  /**
   * Silences changed for this open alert (a Silence button): whether its message must say it is
   * muted, or no longer, now. 'update' means edit it; the next raise will not edit it for that.
   */
  async remute(fp: string, now = this.clock()): Promise<RaiseDecision | { action: 'none' }> {
    const s = await this.get(fp);
    if (s?.status !== 'open') return { action: 'none' };
    const muted = await this.silences.mutedBy(s, now);
    const r = await this.decide('mute', fp, now, { muted: muted ?? '' });
    return r.length === 1 ? { action: 'none' } : (toDecision(r) as RaiseDecision);
  }

  /** Where the caller posted the alert's message; false if there is no such alert. */
  async setMessage(fp: string, channel: string, ts: string): Promise<boolean> {
    return scripts.alertSetIfExists(this.redis, this.keys.alert(fp), { channel, ts });
  }

  async get(fp: string): Promise<AlertState | undefined> {
    const [[, h], [, history]] = (await this.redis
      .multi()
      .hgetall(this.keys.alert(fp))
      .lrange(this.keys.alertHistory(fp), 0, -1)
      .exec()) as [[unknown, Record<string, string>], [unknown, string[]]];
    return parseState(h, history);
  }

  /** Every alert still kept, open or resolved (resolved ones expire after `keepMs`), in no order. */
  async kept(): Promise<AlertState[]> {
    const fps: string[] = [];
    let cursor = '0';
    do {
      const [next, found] = await this.redis.scan(cursor, 'MATCH', this.keys.alertPattern, 'COUNT', 500);
      cursor = next;
      for (const k of found) {
        const fp = this.keys.alertFingerprint(k);
        if (fp !== undefined) fps.push(fp);
      }
    } while (cursor !== '0');
    const states = await Promise.all(fps.map((fp) => this.get(fp)));
    return states.filter((s): s is AlertState => s !== undefined);
  }

  /** Open alerts (muted and flapping ones included) for `/vps alerts`: critical first, newest first. */
  async open(): Promise<AlertState[]> {
    const fps = await this.redis.smembers(this.keys.alertsOpen);
    const states = await Promise.all(fps.map((fp) => this.get(fp)));
    return states
      .filter((s): s is AlertState => s?.status === 'open')
      .sort(
        (a, b) =>
          SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
          b.openedAt - a.openedAt ||
          a.fingerprint.localeCompare(b.fingerprint),
      );
  }

  private async decide(
    action: 'raise' | 'resolve' | 'settle' | 'ack' | 'mute',
    fp: string,
    now: number,
    a: { severity?: string; json?: string; muted?: string; affected?: string } = {},
  ): Promise<ScriptReply> {
    const { cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs } = this.rules;
    const args = [action, Math.trunc(now), fp, a.severity ?? '', a.json ?? '', a.muted ?? ''];
    args.push(cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs, a.affected ?? '');
    const k = this.keys;
    return scripts.alertDecide(
      this.redis,
      [k.alert(fp), k.alertHistory(fp), k.alertsOpen, k.alertsFlapping],
      args,
    );
  }
}
