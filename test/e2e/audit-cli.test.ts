/**
 * `vpsops audit export` as a process against a real redis-server: what an operator archives or
 * opens in a spreadsheet, oldest first, with commas, quotes and newlines in commands intact.
 */
import { join } from 'node:path';
import { execa } from 'execa';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../src/bot/audit-export.js';
import { type AuditEntry, AuditLog } from '../../src/store/audit.js';
import { Keys } from '../../src/store/keys.js';
import { useRedis } from '../helpers/redis.js';

const CLI = join(import.meta.dirname, '..', '..', 'dist', 'src', 'cli.js');
const server = useRedis();
let redis: Redis;
const HOUR = 3_600_000;
const now = Date.now();

const TRICKY = '/vps create shop-3 description="big, \\"fast\\" one"\nsecond line';
const entries: AuditEntry[] = [
  {
    type: 'command',
    at: now - 3 * HOUR,
    user: 'U0ALICE',
    channel: 'C1',
    origin: 'slack',
    text: TRICKY,
    op: 'create',
    host: 'vz-1',
    target: 'shop-3',
    outcome: 'queued',
    requestId: 'req00001',
  },
  {
    type: 'job',
    at: now,
    requestId: 'req00001',
    host: 'vz-1',
    op: 'create',
    target: 'shop-3',
    user: 'U0ALICE',
    phase: 'end',
    result: 'failed',
    durationMs: 4200,
    error: 'Template "x, y" is missing',
  },
  {
    type: 'message',
    at: now + 50,
    requestId: 'req00001',
    channel: 'C1',
    permalink: 'https://x.slack.com/p1',
  },
];

const exportAudit = (...args: string[]) =>
  execa(process.execPath, [CLI, 'audit', 'export', ...args], {
    env: { REDIS_URL: server.url, LOG_LEVEL: 'warn' },
    reject: false,
  });

/** RFC 4180 records (quoted fields may hold commas, quotes, CR and LF). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field || row.length) throw new Error(`unterminated record: ${JSON.stringify(row)}`);
  return rows;
}

beforeAll(async () => {
  redis = new Redis(server.url);
  const log = new AuditLog(redis, new Keys('vpsops'));
  for (const e of entries) {
    // The stream's clock and the entries' agree, as with live writers.
    while (Date.now() < e.at) await new Promise((r) => setTimeout(r, 5));
    await log.append(e);
  }
});
afterAll(() => {
  redis.disconnect();
});

describe('vpsops audit export', () => {
  it('writes CSV with a header, one record per entry oldest first, quoting what needs it', async () => {
    const r = await exportAudit('--format', 'csv');
    expect(r.exitCode).toBe(0);
    const [header, ...rows] = parseCsv(r.stdout + (r.stdout.endsWith('\r\n') ? '' : '\r\n'));
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(3);
    const records = rows.map((row) => Object.fromEntries(CSV_COLUMNS.map((c, i) => [c, row[i]])));
    expect(records.map((x) => x.type)).toEqual(['command', 'job', 'message']);
    expect(records[0]).toMatchObject({
      at: new Date(now - 3 * HOUR).toISOString(),
      user: 'U0ALICE',
      origin: 'slack',
      outcome: 'queued',
      request_id: 'req00001',
      text: TRICKY,
    });
    expect(records[1]).toMatchObject({
      result: 'failed',
      duration_ms: '4200',
      reason: 'Template "x, y" is missing',
    });
    expect(records[2]).toMatchObject({ permalink: 'https://x.slack.com/p1', channel: 'C1', user: '' });
    expect(records[0]!.id).toMatch(/^\d+-\d+$/);
  });

  it('writes JSON Lines, each entry exactly as stored with its id', async () => {
    const r = await exportAudit('--format', 'jsonl');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n').map((l) => JSON.parse(l) as AuditEntry & { id: string });
    expect(lines.map(({ id: _, ...e }) => e)).toEqual(entries);
  });

  it('--since and --until bound the export by time', async () => {
    const recent = await exportAudit('--format', 'jsonl', '--since', '2h');
    expect(recent.stdout.split('\n').map((l) => JSON.parse(l).type)).toEqual(['job', 'message']);
    const until = new Date(now + 25).toISOString();
    const older = await exportAudit('--format', 'csv', '--until', until);
    expect(older.exitCode).toBe(0);
    expect(parseCsv(`${older.stdout}\r\n`).map((row) => row[2])).toEqual(['type', 'command', 'job']);
    const between = await exportAudit(
      '--format',
      'jsonl',
      '--since',
      new Date(now).toISOString(),
      '--until',
      until,
    );
    expect(between.stdout.split('\n').map((l) => JSON.parse(l).type)).toEqual(['job']);
  });

  it('refuses an unknown format or time as a usage error (64) and says what it takes', async () => {
    const bad = await exportAudit('--format', 'xml');
    expect(bad.exitCode).toBe(64);
    expect(bad.stderr).toMatch(
      /^vpsops audit: --format must be jsonl or csv, not "xml"\n\nUsage: vpsops audit export --format/,
    );
    expect(bad.stdout).toBe('');
    const missing = await exportAudit();
    expect(missing.exitCode).toBe(64);
    expect(missing.stderr).toContain('vpsops audit: --format must be jsonl or csv\n');
    const since = await exportAudit('--format', 'csv', '--since', 'last tuesday');
    expect(since.exitCode).toBe(64);
    expect(since.stderr).toContain('--since: "last tuesday" is neither a duration like 2h or 7d nor a date');
  });
});
