/**
 * Alert state in Redis, one hash per fingerprint, and the hygiene rules that keep chat quiet: one
 * message per alert (repeats edit it), a cooldown after a resolve within which a re-raise reopens
 * the same alert, flap detection, silences and maintenance windows. Each raise or resolve is one
 * Lua script (decide-script.ts), so two bot replicas raising the same alert at once produce
 * exactly one 'post'.
 * Time is the caller's (`now` on every method, or the `now` option): nothing here waits.
 */
import type { Redis } from 'ioredis';
import { OpError } from '../core/errors.js';
import type { Keys } from '../queue/keys.js';
import { DECIDE, SET_IF_EXISTS } from './decide-script.js';
import { SilenceStore } from './silences.js';
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
} from './types.js';

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
  private readonly openKey: string;
  private readonly flappingKey: string;

  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
    opts: AlertStoreOptions = {},
  ) {
    const { silences, now, ...rules } = opts;
    this.rules = checkRules({ ...DEFAULT_RULES, ...rules });
    this.silences = silences ?? new SilenceStore(redis, keys);
    this.clock = now ?? Date.now;
    this.openKey = `${keys.prefix}:alerts:open`;
    this.flappingKey = `${keys.prefix}:alerts:flapping`;
  }

  private key(fp: string): string {
    return `${this.keys.prefix}:alert:${fp}`;
  }

  /** The alert was seen (again): whether to post, edit the message, or stay quiet and why. */
  async raise(alert: Alert, now = this.clock()): Promise<RaiseDecision> {
    if (!alert.fingerprint || !(alert.severity in SEVERITY_RANK)) {
      throw new OpError('INTERNAL', `Not an alert: ${JSON.stringify(alert)}.`);
    }
    const muted = await this.silences.mutedBy(alert, now);
    const r = await this.decide(
      'raise',
      alert.fingerprint,
      now,
      alert.severity,
      JSON.stringify(alert),
      muted,
    );
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
    const fps = await this.redis.smembers(this.flappingKey);
    const out: Settled[] = [];
    for (const fp of fps) {
      const r = await this.decide('settle', fp, now);
      if (r.length !== 1) out.push({ fingerprint: fp, decision: toDecision(r) });
    }
    return out;
  }

  /** Records who acknowledged the alert; undefined if there is no such alert. */
  async ack(fp: string, user: string, now = this.clock()): Promise<AlertState | undefined> {
    const ok = await this.redis.eval(SET_IF_EXISTS, 1, this.key(fp), 'ackedBy', user, 'ackedAt', String(now));
    return ok ? this.get(fp) : undefined;
  }

  /** Where the caller posted the alert's message; false if there is no such alert. */
  async setMessage(fp: string, channel: string, ts: string): Promise<boolean> {
    return (await this.redis.eval(SET_IF_EXISTS, 1, this.key(fp), 'channel', channel, 'ts', ts)) === 1;
  }

  async get(fp: string): Promise<AlertState | undefined> {
    const [[, h], [, history]] = (await this.redis
      .multi()
      .hgetall(this.key(fp))
      .lrange(`${this.key(fp)}:history`, 0, -1)
      .exec()) as [[unknown, Record<string, string>], [unknown, string[]]];
    return parseState(h, history);
  }

  /** Open alerts (muted and flapping ones included) for `/vps alerts`: critical first, newest first. */
  async open(): Promise<AlertState[]> {
    const fps = await this.redis.smembers(this.openKey);
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
    action: 'raise' | 'resolve' | 'settle',
    fp: string,
    now: number,
    ...alert: [severity?: string, json?: string, muted?: string]
  ): Promise<ScriptReply> {
    const [severity = '', json = '', muted = ''] = alert;
    const { cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs } = this.rules;
    const args = [action, Math.trunc(now), fp, severity, json, muted];
    args.push(cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs);
    const key = this.key(fp);
    const keys = [key, `${key}:history`, this.openKey, this.flappingKey];
    return (await this.redis.eval(DECIDE, keys.length, ...keys, ...args.map(String))) as ScriptReply;
  }
}
