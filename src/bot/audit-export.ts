/**
 * The audit trail as files for other tools: JSON Lines (each entry exactly as stored, with its id)
 * or CSV (RFC 4180, one flat row per entry, times in ISO 8601 UTC).
 */
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { StoredEntry } from '../store/audit.js';

export const EXPORT_FORMATS = ['jsonl', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = [
  'id',
  'at',
  'type',
  'user',
  'channel',
  'origin',
  'op',
  'host',
  'target',
  'outcome',
  'decision',
  'phase',
  'result',
  'duration_ms',
  'request_id',
  'approval_id',
  'reason',
  'text',
  'permalink',
] as const;
type Column = (typeof CSV_COLUMNS)[number];

/** One line of JSON Lines, newline included. */
export function jsonlLine(e: StoredEntry): string {
  const { id, ...entry } = e;
  return `${JSON.stringify({ id, ...entry })}\n`;
}

/** A CSV field: quoted when it holds a comma, a quote, CR or LF, with quotes doubled (RFC 4180). */
export function csvField(value: string | number | undefined): string {
  if (value === undefined) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 ends records with CRLF. */
const EOL = '\r\n';

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}${EOL}`;
}

/** One CSV record, CRLF included; a job's error goes in `reason`. */
export function csvRow(e: StoredEntry): string {
  const row: Partial<Record<Column, string | number | undefined>> = {
    id: e.id,
    at: new Date(e.at).toISOString(),
    type: e.type,
    request_id: e.requestId,
  };
  switch (e.type) {
    case 'command':
      Object.assign(row, {
        user: e.user,
        channel: e.channel,
        origin: e.origin,
        op: e.op,
        host: e.host,
        target: e.target,
        outcome: e.outcome,
        approval_id: e.approvalId,
        reason: e.reason,
        text: e.text,
      });
      break;
    case 'approval':
      Object.assign(row, {
        user: e.user,
        op: e.op,
        host: e.host,
        target: e.target,
        decision: e.decision,
        approval_id: e.approvalId,
        reason: e.reason,
      });
      break;
    case 'job':
      Object.assign(row, {
        user: e.user,
        op: e.op,
        host: e.host,
        target: e.target,
        phase: e.phase,
        result: e.result,
        duration_ms: e.durationMs,
        approval_id: e.approvalId,
        reason: e.error,
      });
      break;
    case 'message':
      Object.assign(row, { channel: e.channel, permalink: e.permalink });
      break;
  }
  return `${CSV_COLUMNS.map((c) => csvField(row[c])).join(',')}${EOL}`;
}

/**
 * Writes every entry to `out` in the format, waiting for `out` to drain; returns how many. Nothing
 * is written until the first read succeeded, so a Redis that is down leaves no half file.
 */
export async function writeExport(
  entries: AsyncIterable<StoredEntry>,
  format: ExportFormat,
  out: Writable,
): Promise<number> {
  const write = async (chunk: string) => {
    if (!out.write(chunk)) await once(out, 'drain');
  };
  const it = entries[Symbol.asyncIterator]();
  let next = await it.next();
  if (format === 'csv') await write(csvHeader());
  let n = 0;
  for (; !next.done; next = await it.next()) {
    await write(format === 'csv' ? csvRow(next.value) : jsonlLine(next.value));
    n++;
  }
  return n;
}
