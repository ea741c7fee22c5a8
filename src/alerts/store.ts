/**
 * Alert state in Redis, one hash per fingerprint, and the hygiene rules that keep chat quiet: one
 * message per alert (repeats edit it), a cooldown after a resolve within which a re-raise reopens
 * the same alert, flap detection, silences and maintenance windows. Each raise or resolve is one
 * Lua script, so two bot replicas raising the same alert at once produce exactly one 'post'.
 * Time is the caller's (`now` on every method, or the `now` option): nothing here waits.
 */
import type { Redis } from 'ioredis';
import { OpError } from '../core/errors.js';
import type { Keys } from '../queue/keys.js';
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

// KEYS: state hash, history list, open set, flapping set.
// ARGV: action (raise|resolve|settle), now, fingerprint, severity, alert JSON, mute reason or '',
// cooldownMs, flapThreshold, flapWindowMs, minUpdateMs, keepMs.
// Returns {'none'} or {verdict, why, flags, state hash, history}.
const DECIDE = `
local st, hist, openSet, flapSet = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local action, now, fp = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local cooldown, flapMax, window = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local minUpdate, keep = tonumber(ARGV[10]), tonumber(ARGV[11])
local s = {}
local raw = redis.call('HGETALL', st)
for i = 1, #raw, 2 do s[raw[i]] = raw[i + 1] end
local function num(f) return tonumber(s[f] or '0') end
local function set(f, v) s[f] = tostring(v); redis.call('HSET', st, f, v) end
local function del(f) s[f] = nil; redis.call('HDEL', st, f) end
local function join(a, b) if a == '' then return b end return a .. ',' .. b end
local function reply(verdict, why, flags)
  return {verdict, why, flags, redis.call('HGETALL', st), redis.call('LRANGE', hist, 0, -1)}
end
-- Records a change between open and resolved; true when there are now too many in the window.
local function flip(to)
  redis.call('LPUSH', hist, to .. ':' .. ARGV[2])
  redis.call('LTRIM', hist, 0, flapMax)
  set('observed', to)
  set('lastFlipAt', ARGV[2])
  local n = 0
  for _, e in ipairs(redis.call('LRANGE', hist, 0, -1)) do
    if tonumber(string.match(e, ':(%d+)$')) > now - window then n = n + 1 end
  end
  return n > flapMax
end
local function stable() return now - num('lastFlipAt') >= window end
local function endFlap() del('flapping'); redis.call('SREM', flapSet, fp) end
local function resolveNow(flags)
  set('status', 'resolved'); set('resolvedAt', ARGV[2]); del('muted')
  redis.call('SREM', openSet, fp)
  redis.call('PEXPIRE', st, keep); redis.call('PEXPIRE', hist, keep)
  return reply('resolve', '', flags)
end
-- The open alert is shown (post or update) unless muted or edited too recently.
local function announce(flags)
  if ARGV[6] ~= '' then return reply('suppress', ARGV[6], flags) end
  if s.announced ~= '1' then set('announced', '1'); set('updatedAt', ARGV[2]); return reply('post', '', '') end
  if flags == '' and now - num('updatedAt') < minUpdate then return reply('suppress', 'cooldown', '') end
  set('updatedAt', ARGV[2])
  return reply('update', '', flags)
end

if action == 'raise' then
  local rank = {info = 1, warning = 2, critical = 3}
  local flags = ''
  if s.status == 'open' and rank[ARGV[4]] > (rank[s.severity] or 0) then flags = 'escalated' end
  set('alert', ARGV[5]); set('severity', ARGV[4]); set('lastAt', ARGV[2])
  if ARGV[6] ~= '' then set('muted', ARGV[6]) else del('muted') end
  if s.flapping then
    if s.observed == 'resolved' then
      if not stable() then flip('open'); return reply('suppress', 'flapping', '') end
      -- Quiet (resolved) for a whole window, and back: a fresh episode on the message still shown.
      endFlap(); flip('open'); set('count', 1); set('openedAt', ARGV[2])
      return announce('reopened,flap-ended')
    end
    set('count', num('count') + 1)
    if stable() then endFlap(); return announce(join(flags, 'flap-ended')) end
    if flags ~= '' then return announce(flags) end
    return reply('suppress', 'flapping', '')
  end
  if s.status == 'open' then
    set('count', num('count') + 1)
    return announce(flags)
  end
  local trip = flip('open')
  local reopen = s.status == 'resolved' and s.announced == '1' and (trip or now - num('resolvedAt') < cooldown)
  set('status', 'open'); set('openedAt', ARGV[2]); del('resolvedAt')
  redis.call('SADD', openSet, fp)
  redis.call('PERSIST', st); redis.call('PERSIST', hist)
  if reopen then
    set('count', num('count') + 1); flags = 'reopened'
  else
    set('count', 1); set('firstAt', ARGV[2])
    for _, f in ipairs({'announced', 'channel', 'ts', 'ackedBy', 'ackedAt', 'updatedAt'}) do del(f) end
  end
  if trip then set('flapping', ARGV[2]); redis.call('SADD', flapSet, fp); flags = join(flags, 'flap-started') end
  return announce(flags)
end
if action == 'resolve' then
  if s.status ~= 'open' then return {'none'} end
  if s.flapping then
    if s.observed == 'open' then flip('resolved'); return reply('suppress', 'flapping', '') end
    if not stable() then return reply('suppress', 'flapping', '') end
    endFlap()
    return resolveNow('flap-ended')
  end
  if flip('resolved') then
    set('flapping', ARGV[2]); redis.call('SADD', flapSet, fp)
    return reply('suppress', 'flapping', 'flap-started')
  end
  return resolveNow('')
end
-- settle: ends flapping that has been stable for the window.
if not s.flapping then redis.call('SREM', flapSet, fp); return {'none'} end
if not stable() then return {'none'} end
endFlap()
if s.observed == 'resolved' then return resolveNow('flap-ended') end
if s.muted then return reply('suppress', s.muted, 'flap-ended') end
set('updatedAt', ARGV[2])
return reply('update', '', 'flap-ended')`;

// Sets fields of an alert that exists; 0 when it does not.
const SET_IF_EXISTS = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

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
