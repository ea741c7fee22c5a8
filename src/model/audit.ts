/** The audit trail's entries: commands, approval decisions, jobs, messages. */
import { parseDuration } from './units.js';

export interface CommandEntry {
  type: 'command';
  /** Epoch ms. */
  at: number;
  user: string;
  channel?: string;
  /** slack | terminal | exec */
  origin: string;
  text: string;
  op?: string;
  host?: string;
  /** The guest's name (or the word the command named). */
  target?: string;
  outcome: 'queued' | 'answered' | 'refused' | 'denied' | 'approval-requested' | 'rate-limited';
  reason?: string;
  /** The error code of a refusal. */
  code?: string;
  requestId?: string;
  approvalId?: string;
}

/** A step of an approval; `user` is who decided (the requester for `requested`). */
export interface ApprovalEntry {
  type: 'approval';
  at: number;
  approvalId: string;
  requestId: string;
  user: string;
  decision: 'requested' | 'approved' | 'denied' | 'expired';
  reason?: string;
  op: string;
  host: string;
  target?: string;
  /** Who has approved so far. */
  approvers?: string[];
  /** How many approvals the operation needs (shown as "2 of 2" with `approvers`). */
  needed?: number;
}

/** A job starting or ending on its host's worker. */
export interface JobEntry {
  type: 'job';
  at: number;
  requestId: string;
  host: string;
  op: string;
  target?: string;
  user: string;
  phase: 'start' | 'end';
  result?: 'done' | 'failed' | 'cancelled';
  durationMs?: number;
  error?: string;
  approvalId?: string;
}

/** Where a request's message was posted in chat. */
export interface MessageEntry {
  type: 'message';
  at: number;
  requestId: string;
  channel: string;
  permalink: string;
}

export type AuditEntry = CommandEntry | ApprovalEntry | JobEntry | MessageEntry;
export type AuditType = AuditEntry['type'];
/** An entry as read back, with its stream id (`<ms>-<seq>`, which orders the trail). */
export type StoredEntry = AuditEntry & { id: string };

/**
 * A point in time as people write it for the audit: a duration back from `now` (`2h`, `7d`) or an
 * ISO date or date-time (`2026-11-01`, `2026-11-01T14:00`, UTC unless it names an offset).
 * Undefined when it is neither.
 */
export function parseTimeBound(text: string, now: number): number | undefined {
  const t = text.trim();
  const ago = parseDuration(t);
  if (ago !== undefined) return now - ago;
  const m = DATE_RE.exec(t);
  if (!m) return undefined;
  const [, day, time, zone] = m;
  const ms = Date.parse(`${day}T${time ?? '00:00'}${zone ? zone.toUpperCase() : 'Z'}`);
  const midnight = Date.parse(`${day}T00:00Z`);
  // Date.parse rolls 2026-02-30 over to March; a date that does not round-trip is not one.
  if (Number.isNaN(ms) || Number.isNaN(midnight) || new Date(midnight).toISOString().slice(0, 10) !== day)
    return undefined;
  return ms;
}

const DATE_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

export interface AuditQuery {
  /** Only entries whose target is this guest name (exact). */
  guest?: string;
  /** Only entries whose user is this one (for approvals, the decider). */
  user?: string;
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  type?: AuditType | AuditType[];
  limit: number;
  /** A `next` from an earlier page: only entries older than it. */
  before?: string;
  /** Any further condition (e.g. what the caller may see); pages count only entries it keeps. */
  where?: (e: StoredEntry) => boolean;
}

export interface AuditPage {
  /** Newest first. */
  entries: StoredEntry[];
  /** Cursor for the following (older) page, when there is one. */
  next?: string;
}

/** Where audit entries go: an append that fails loudly. */
export interface AuditSink {
  append(e: AuditEntry): Promise<unknown>;
}
