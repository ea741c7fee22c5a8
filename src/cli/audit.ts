/**
 * `vpsops audit export --format jsonl|csv [--since …] [--until …]`: the audit trail on stdout,
 * oldest first, for archives and spreadsheets. Logs go to stderr so stdout is only the export.
 */
import { pino } from 'pino';
import { EXPORT_FORMATS, type ExportFormat, writeExport } from '../audit/export.js';
import { AuditLog, parseTimeBound } from '../audit/log.js';
import { connect, redactUrl } from '../queue/connection.js';
import { Keys } from '../queue/keys.js';
import { fail, setup } from './common.js';

export const AUDIT_HELP = `Usage: vpsops audit export --format jsonl|csv [--since WHEN] [--until WHEN]

Writes the audit trail (commands, approvals, jobs, chat messages) from REDIS_URL to stdout,
oldest first. WHEN is a duration back from now (2h, 7d) or an ISO date or date-time
(2026-11-01, 2026-11-01T14:00; UTC unless an offset is given); --since is inclusive, --until
exclusive.

jsonl: one entry per line, exactly as stored, with its stream id.
csv:   RFC 4180 with a header row; times in ISO 8601 UTC.

The trail is append-only: vpsops never trims it. Keep or archive it as your retention rules
require (e.g. export, then XTRIM <prefix>:audit MINID <id>).

Exit status: 0 written, 1 Redis failed, 2 bad options.`;

export interface AuditOpts {
  sub?: string;
  format?: string;
  since?: string;
  until?: string;
}

export async function auditMain(o: AuditOpts): Promise<void> {
  if (o.sub !== 'export') fail(new Error(`audit: expected "export".\n\n${AUDIT_HELP}`), 2);
  if (!isFormat(o.format))
    fail(
      new Error(
        `--format must be jsonl or csv${o.format === undefined ? '' : `, not "${o.format}"`}.\n\n${AUDIT_HELP}`,
      ),
      2,
    );
  const now = Date.now();
  const since = bound('--since', o.since, now);
  const until = bound('--until', o.until, now);
  const { config, log } = setup({}, pino.destination(2));
  const redis = connect({ url: config.redis.url, log });
  const audit = new AuditLog(redis, new Keys(config.redis.prefix));
  // A reader that stops early (`| head`) is not a failure.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
  });
  try {
    await writeExport(
      audit.all({ ...(since !== undefined ? { since } : {}), ...(until !== undefined ? { until } : {}) }),
      o.format,
      process.stdout,
    );
  } catch (err) {
    redis.disconnect();
    const why = err instanceof Error ? err.message : String(err);
    fail(new Error(`could not read the audit trail from ${redactUrl(config.redis.url)}: ${why}`));
  }
  await redis.quit().catch(() => {});
}

function isFormat(f: string | undefined): f is ExportFormat {
  return (EXPORT_FORMATS as readonly (string | undefined)[]).includes(f);
}

function bound(flag: string, text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const at = parseTimeBound(text, now);
  if (at === undefined)
    fail(new Error(`${flag}: "${text}" is neither a duration like 2h or 7d nor a date like 2026-11-01.`), 2);
  return at;
}
