/**
 * The shapes of the alerting feature: an alert as a detector raises it, the state the store keeps
 * per fingerprint, and the decisions `raise` and `resolve` hand back to the caller (post a new
 * message, edit the one already posted, or stay quiet and say why).
 */
import { OpError } from './errors.js';

export type AlertKind = 'overcommit' | 'crash' | 'stopped' | 'host-silent' | 'pressure' | 'job-failed';
export type Severity = 'info' | 'warning' | 'critical';

/** Higher is worse; a raise with a higher rank than the stored one is an escalation. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 1, warning: 2, critical: 3 };

/** One alert as a detector raises it. Alerts with the same fingerprint are the same alert. */
export interface Alert {
  /** Stable identity, e.g. `crash:vz-1:101`, `overcommit:vz-1:memory`, `host-silent:vz-1`. */
  fingerprint: string;
  kind: AlertKind;
  severity: Severity;
  host: string;
  guest?: string;
  title: string;
  text: string;
  details?: Record<string, string>;
  /** The host's group. */
  group?: string;
  /**
   * The guests the alert lists when it is about several (a silent host's running guests). A
   * change in the list (order aside) is shown; the alert's text names them.
   */
  affected?: string[];
}

/**
 * The fingerprint of an alert: `kind:host` plus the guest or resource it is about, if any
 * (`fingerprint('crash', 'vz-1', '101')` → `crash:vz-1:101`).
 */
export function fingerprint(kind: AlertKind, host: string, subject?: string): string {
  return subject ? `${kind}:${host}:${subject}` : `${kind}:${host}`;
}

/** Why an alert is open but not shown: a silence matches it, or its host is in maintenance. */
export type MuteReason = 'silenced' | 'maintenance';

/** What the store keeps per fingerprint; the alert fields are those of the latest raise. */
export interface AlertState extends Alert {
  status: 'open' | 'resolved';
  /** How many times it was raised while open, reopenings within the cooldown included. */
  count: number;
  /** The first raise of this alert (kept when it reopens within the cooldown). */
  firstAt: number;
  /** When it last became open. */
  openedAt: number;
  /** The latest raise. */
  lastAt: number;
  resolvedAt?: number;
  /** A 'post' decision was handed out for it: there is (or is about to be) a message to edit. */
  announced: boolean;
  /** The chat message, once the caller has posted it (`setMessage`). */
  message?: { channel: string; ts: string };
  acked?: { by: string; at: number };
  /** Set while raises are suppressed by a silence or a maintenance window. */
  muted?: MuteReason;
  /** Since when it is flapping; open↔resolved changes are suppressed meanwhile. */
  flappingSince?: number;
  /** The latest changes between open and resolved as raises and resolves reported them, newest first. */
  history: Array<{ to: 'open' | 'resolved'; at: number }>;
}

/** `flap: 'started'`: this change made it flapping; `'ended'`: it has been stable for the window. */
export type FlapChange = 'started' | 'ended';

/**
 * What changed in an alert's message since it was last shown: open again, severity up or down,
 * muted or no longer, acknowledged, the guests it lists, flapping started or ended.
 */
export type AlertChange =
  | 'reopened'
  | 'escalated'
  | 'deescalated'
  | 'muted'
  | 'unmuted'
  | 'acked'
  | 'affected'
  | 'flap-started'
  | 'flap-ended';

const CHANGES: ReadonlySet<string> = new Set<AlertChange>([
  'reopened',
  'escalated',
  'deescalated',
  'muted',
  'unmuted',
  'acked',
  'affected',
  'flap-started',
  'flap-ended',
]);

/** What the caller of `raise` does next. Every decision but 'none' carries the state after it. */
export type RaiseDecision =
  /** A new alert (or one back after its cooldown): post a message, then `setMessage`. */
  | { action: 'post'; state: AlertState }
  /** Something its message shows changed (`changes`): edit the alert's one message. */
  | {
      action: 'update';
      /** What changed, in the order the store found it; never empty for a raise. */
      changes: AlertChange[];
      count: number;
      /** warning → critical (or any rise in severity) while open. */
      escalated?: true;
      /** Raised again within the cooldown after a resolve: the same alert is open again. */
      reopened?: true;
      flap?: FlapChange;
      state: AlertState;
    }
  /**
   * Nothing to say. 'unchanged': a repeat, nothing its message shows changed (it is counted in
   * `state.count`); 'cooldown': a change within `minUpdateMs` of the last edit, shown later.
   */
  | {
      action: 'suppress';
      why: 'unchanged' | 'cooldown' | 'silenced' | 'maintenance' | 'flapping';
      /** With 'started' or 'ended', the message is edited once to say so (an alert muted throughout has none). */
      flap?: FlapChange;
      state: AlertState;
    };

/** What the caller of `resolve` does next. */
export type ResolveDecision =
  /** Mark the message resolved (there is none if `state.announced` is false: it was muted throughout). */
  | { action: 'resolve'; openedAt: number; durationMs: number; flap?: 'ended'; state: AlertState }
  /** It was not open. */
  | { action: 'none' }
  /** It is flapping and stays open; with `flap: 'started'`, edit the message once to say so. */
  | { action: 'suppress'; why: 'flapping'; flap?: 'started'; state: AlertState };

/** The hygiene rules of `AlertStore`; each has a default in `DEFAULT_RULES`. */
export interface AlertRules {
  /** A re-raise this soon after a resolve reopens the same alert instead of posting anew. Default 10 min. */
  cooldownMs: number;
  /**
   * More changes between open and resolved than this within `flapWindowMs` (a new alert opening
   * counts as one) make it flapping. Default 4: the 5th change in the window trips it.
   */
  flapThreshold: number;
  /** The flap window, and how long it must then be stable. Default 30 min. */
  flapWindowMs: number;
  /**
   * Changes closer than this to the last edit wait ('cooldown') unless they are an escalation, a
   * reopening or flapping. Repeats that change nothing never edit. Default 0.
   */
  minUpdateMs: number;
  /** How long a resolved alert is kept for cooldown and flap detection. Default 7 days. */
  keepMs: number;
}

export const DEFAULT_RULES: Readonly<AlertRules> = {
  cooldownMs: 10 * 60_000,
  flapThreshold: 4,
  flapWindowMs: 30 * 60_000,
  minUpdateMs: 0,
  keepMs: 7 * 24 * 3600_000,
};

/** The rules, or a CONFIG error saying which one is wrong. */
export function checkRules(r: AlertRules): AlertRules {
  const bad = (why: string) => new OpError('CONFIG', `Alert rules: ${why}.`);
  if (!(r.cooldownMs >= 0)) throw bad('cooldownMs must be 0 or more');
  if (!Number.isInteger(r.flapThreshold) || r.flapThreshold < 1) {
    throw bad('flapThreshold must be a whole number of 1 or more');
  }
  if (!(r.flapWindowMs > 0)) throw bad('flapWindowMs must be more than 0');
  if (!(r.minUpdateMs >= 0)) throw bad('minUpdateMs must be 0 or more');
  if (!(r.keepMs >= Math.max(r.cooldownMs, r.flapWindowMs))) {
    throw bad('keepMs must be at least cooldownMs and flapWindowMs');
  }
  return r;
}

/** What the store's script answers: `['none']`, or verdict, why, flags, state hash, history. */
export type ScriptReply = [string] | [string, string, string, string[], string[]];

/** The decision in a reply of the store's script (see store.ts). */
export function toDecision(r: Exclude<ScriptReply, [string]>): RaiseDecision | ResolveDecision {
  const [verdict, why, flagList, hash, history] = r;
  const h: Record<string, string> = {};
  for (let i = 0; i + 1 < hash.length; i += 2) h[hash[i]!] = hash[i + 1]!;
  const state = parseState(h, history)!;
  const flags = new Set(flagList.split(','));
  const flap: FlapChange | undefined = flags.has('flap-started')
    ? 'started'
    : flags.has('flap-ended')
      ? 'ended'
      : undefined;
  if (verdict === 'post') return { action: 'post', state };
  if (verdict === 'suppress') {
    return { action: 'suppress', why, state, ...(flap && { flap }) } as RaiseDecision | ResolveDecision;
  }
  if (verdict === 'resolve') {
    const openedAt = state.openedAt;
    const durationMs = (state.resolvedAt ?? openedAt) - openedAt;
    return { action: 'resolve', openedAt, durationMs, ...(flap === 'ended' && { flap }), state };
  }
  return {
    action: 'update',
    changes: flagList.split(',').filter((f): f is AlertChange => CHANGES.has(f)),
    count: state.count,
    ...(flags.has('escalated') && { escalated: true as const }),
    ...(flags.has('reopened') && { reopened: true as const }),
    ...(flap && { flap }),
    state,
  };
}

/** The state from the Redis hash of an alert and its history list; undefined if there is none. */
export function parseState(h: Record<string, string>, history: string[]): AlertState | undefined {
  if (!h.alert || !h.status) return undefined;
  const s: AlertState = {
    ...(JSON.parse(h.alert) as Alert),
    severity: h.severity as Severity,
    status: h.status as AlertState['status'],
    count: Number(h.count ?? 0),
    firstAt: Number(h.firstAt ?? 0),
    openedAt: Number(h.openedAt ?? 0),
    lastAt: Number(h.lastAt ?? 0),
    announced: h.announced === '1',
    history: history.map((e) => {
      const [to, at] = e.split(':');
      return { to: to as 'open' | 'resolved', at: Number(at) };
    }),
  };
  if (h.resolvedAt) s.resolvedAt = Number(h.resolvedAt);
  if (h.channel && h.ts) s.message = { channel: h.channel, ts: h.ts };
  if (h.ackedBy) s.acked = { by: h.ackedBy, at: Number(h.ackedAt ?? 0) };
  if (h.muted) s.muted = h.muted as MuteReason;
  if (h.flapping) s.flappingSince = Number(h.flapping);
  return s;
}

/** What a silence matches: one alert, every alert of a host, or every alert of one guest. */
export type SilenceScope = { fingerprint: string } | { host: string; guest?: string };

export interface Silence {
  id: string;
  scope: SilenceScope;
  /** Epoch ms at which it stops applying. */
  until: number;
  by: string;
  reason?: string;
  createdAt: number;
}

export interface MaintenanceWindow {
  host: string;
  until: number;
  by: string;
  reason?: string;
  startedAt: number;
}
