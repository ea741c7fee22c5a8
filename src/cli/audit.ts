/**
 * `vpsops audit export --format jsonl|csv [--since …] [--until …]`: the audit trail on stdout,
 * oldest first, for archives and spreadsheets. Logs go to stderr so stdout is only the export.
 */
import { pino } from 'pino';
import { EXPORT_FORMATS, type ExportFormat, writeExport } from '../bot/audit-export.js';
import { AuditLog, parseTimeBound } from '../store/audit.js';
import { connect, redactUrl } from '../store/connection.js';
import { Keys } from '../store/keys.js';
import { requireRedis, setup } from './common.js';
import { CliError, usageError } from './exit-codes.js';

export interface AuditOpts {
  sub?: string;
  format?: string;
  since?: string;
  until?: string;
}

/** Writes the export to stdout; a usage error or a Redis that fails is thrown as a CliError. */
export async function auditMain(o: AuditOpts): Promise<void> {
  if (o.sub !== 'export')
    throw usageError(
      'audit',
      o.sub === undefined ? 'expected "export"' : `expected "export", not "${o.sub}"`,
    );
  if (!isFormat(o.format))
    throw usageError(
      'audit',
      `--format must be jsonl or csv${o.format === undefined ? '' : `, not "${o.format}"`}`,
    );
  const now = Date.now();
  const since = bound('--since', o.since, now);
  const until = bound('--until', o.until, now);
  const { config, log } = setup({}, pino.destination(2));
  await requireRedis(config.redis.url);
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
    throw new CliError(
      'UNAVAILABLE',
      `could not read the audit trail from ${redactUrl(config.redis.url)}: ${why}`,
      'audit',
    );
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
    throw usageError(
      'audit',
      `${flag}: "${text}" is neither a duration like 2h or 7d nor a date like 2026-11-01`,
    );
  return at;
}
