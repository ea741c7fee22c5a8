/**
 * The audit trail: who asked for what, who approved it, what ran and how it ended, as one Redis
 * stream. Entries are only ever appended (XADD without MAXLEN): nothing here trims or rewrites
 * them, so how long they are kept is the operator's decision (XTRIM by hand or from cron).
 */
import type { Redis } from 'ioredis';
import { OpError } from '../model/errors.js';
import type { Keys } from './keys.js';

/** A command as typed in chat or `vpsops exec`, and what the bot did with it. */
export type {
  ApprovalEntry,
  AuditEntry,
  AuditPage,
  AuditQuery,
  AuditType,
  CommandEntry,
  JobEntry,
  MessageEntry,
  StoredEntry,
} from '../model/audit.js';
export { parseTimeBound } from '../model/audit.js';

import type { AuditEntry, AuditPage, AuditQuery, StoredEntry } from '../model/audit.js';

/**
 * Stream ids carry Redis's clock, `at` the writer's: time bounds are widened by this much when
 * turned into ids, then applied exactly to `at`.
 */
const CLOCK_SKEW_MS = 5 * 60_000;
const BATCH = 200;
/** A request's chat message is posted soon after its command: how far around an entry to look. */
const LINK_WINDOW_MS = 10 * 60_000;

/** The stream fields of an entry: a few flat ones for redis-cli readers, and the whole as `data`. */
export function auditFields(e: AuditEntry): string[] {
  const fields: string[] = ['type', e.type, 'at', String(e.at)];
  if ('user' in e) fields.push('user', e.user);
  if ('target' in e && e.target !== undefined) fields.push('target', e.target);
  if ('host' in e && e.host !== undefined) fields.push('host', e.host);
  if (e.requestId !== undefined) fields.push('requestId', e.requestId);
  fields.push('data', JSON.stringify(e));
  return fields;
}

/** The sentence of a failed audit write: nothing was done. */
export function auditWriteError(err: unknown): OpError {
  const why = err instanceof Error ? err.message : String(err);
  return new OpError(
    'INTERNAL',
    `The audit trail could not be written, so nothing was done: ${why}. Check Redis.`,
    {
      cause: err,
      detail: why,
    },
  );
}

export class AuditLog {
  constructor(
    private readonly redis: Redis,
    private readonly keys: Keys,
  ) {}

  /**
   * Appends one entry and returns its stream id. Rejects when Redis does: a caller must then not
   * act, since an action nobody can audit must not happen.
   */
  async append(e: AuditEntry): Promise<string> {
    const fields = auditFields(e);
    try {
      const id = await this.redis.xadd(this.keys.audit, '*', ...fields);
      if (!id) throw new Error('XADD returned no id');
      return id;
    } catch (err) {
      throw auditWriteError(err);
    }
  }

  /** One page of entries matching `f`, newest first, scanning back from `before` (or the end). */
  async query(f: AuditQuery): Promise<AuditPage> {
    if (!Number.isInteger(f.limit) || f.limit < 1)
      throw new Error(`AuditLog.query: limit ${f.limit} is not >= 1`);
    const end = f.before ? `(${f.before}` : f.until !== undefined ? String(f.until + CLOCK_SKEW_MS) : '+';
    const start = f.since !== undefined ? String(Math.max(0, f.since - CLOCK_SKEW_MS)) : '-';
    const entries: StoredEntry[] = [];
    for await (const e of this.scan('xrevrange', end, start)) {
      if (!matches(e, f) || (f.where && !f.where(e))) continue;
      // One match beyond the page says there is a next page.
      if (entries.length === f.limit) return { entries, next: entries[entries.length - 1]!.id };
      entries.push(e);
    }
    return { entries };
  }

  /** Every entry between the bounds (epoch ms: since inclusive, until exclusive), oldest first. */
  async *all(f: { since?: number; until?: number } = {}): AsyncIterable<StoredEntry> {
    const start = f.since !== undefined ? String(Math.max(0, f.since - CLOCK_SKEW_MS)) : '-';
    const end = f.until !== undefined ? String(f.until + CLOCK_SKEW_MS) : '+';
    for await (const e of this.scan('xrange', start, end)) if (matches(e, f)) yield e;
  }

  /**
   * Permalinks of the chat messages of these entries' requests, by request id. A message is logged
   * within minutes of its request, so only the stretches of the stream around the entries are read.
   */
  async permalinks(entries: StoredEntry[]): Promise<Map<string, string>> {
    const wanted = new Set<string>();
    const windows: Array<[number, number]> = [];
    for (const e of entries) {
      if (e.type === 'message' || !e.requestId) continue;
      wanted.add(e.requestId);
      const ms = idMs(e.id) - (e.type === 'job' ? (e.durationMs ?? 0) : 0);
      windows.push([ms - LINK_WINDOW_MS, idMs(e.id) + LINK_WINDOW_MS]);
    }
    const links = new Map<string, string>();
    for (const [from, to] of merge(windows)) {
      for await (const e of this.scan('xrange', String(Math.max(0, from)), String(to))) {
        if (e.type === 'message' && wanted.has(e.requestId)) links.set(e.requestId, e.permalink);
      }
    }
    return links;
  }

  /** Reads the stream in batches between two ids, in the direction of the command. */
  private async *scan(cmd: 'xrange' | 'xrevrange', from: string, to: string): AsyncIterable<StoredEntry> {
    let cursor = from;
    for (;;) {
      const batch =
        cmd === 'xrange'
          ? await this.redis.xrange(this.keys.audit, cursor, to, 'COUNT', BATCH)
          : await this.redis.xrevrange(this.keys.audit, cursor, to, 'COUNT', BATCH);
      for (const [id, fields] of batch) {
        const e = parseEntry(id, fields);
        if (e) yield e;
      }
      if (batch.length < BATCH) return;
      cursor = `(${batch[batch.length - 1]![0]}`;
    }
  }
}

/** An entry from its stream fields; undefined for one that vpsops did not write (no valid `data`). */
function parseEntry(id: string, fields: string[]): StoredEntry | undefined {
  const i = fields.indexOf('data');
  const data = i >= 0 && i % 2 === 0 ? fields[i + 1] : undefined;
  if (data === undefined) return undefined;
  try {
    const e = JSON.parse(data) as AuditEntry;
    return typeof e === 'object' && e !== null && typeof e.type === 'string' && typeof e.at === 'number'
      ? { ...e, id }
      : undefined;
  } catch {
    return undefined;
  }
}

function matches(e: AuditEntry, f: Omit<AuditQuery, 'limit' | 'before' | 'where'>): boolean {
  if (f.since !== undefined && e.at < f.since) return false;
  if (f.until !== undefined && e.at >= f.until) return false;
  if (f.type !== undefined && !(Array.isArray(f.type) ? f.type.includes(e.type) : f.type === e.type))
    return false;
  if (f.guest !== undefined && !('target' in e && e.target === f.guest)) return false;
  if (f.user !== undefined && !('user' in e && e.user === f.user)) return false;
  return true;
}

/** The milliseconds part of a stream id. */
function idMs(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}

/** Overlapping [from, to] windows joined, in order. */
function merge(windows: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const w of [...windows].sort((a, b) => a[0] - b[0])) {
    const last = out[out.length - 1];
    if (last && w[0] <= last[1]) last[1] = Math.max(last[1], w[1]);
    else out.push([w[0], w[1]]);
  }
  return out;
}
