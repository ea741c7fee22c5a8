/** The audit trail against a real redis-server: append, read back with filters and pages, /vps audit. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../jobs/index.js';
import { renderBlocks } from '../../src/chat/view/text.js';
import { freePort } from '../../src/cli/demo/redis-server.js';
import { OpError } from '../../src/model/errors.js';
import { answered } from '../../src/model/outcome.js';
import { parseCommand } from '../../src/ops/grammar.js';
import type { BotServices } from '../../src/ops/operation.js';
import { type AuditEntry, AuditLog, parseTimeBound } from '../../src/store/audit.js';
import { FleetStore } from '../../src/store/fleet.js';
import { JobStore } from '../../src/store/jobs.js';
import { Keys } from '../../src/store/keys.js';
import { NotifyPublisher } from '../../src/store/notify.js';
import { testConfig } from '../helpers/config.js';
import { useRedis } from '../helpers/redis.js';
import { type Drawn, drawn } from '../helpers/reply.js';

const redisServer = useRedis();
let redis: Redis;
let prefixes = 0;
/** Each test writes its own stream. */
const fresh = () => {
  const keys = new Keys(`audit-test-${++prefixes}`);
  return { keys, log: new AuditLog(redis, keys) };
};

const HOUR = 3_600_000;
const NOW = Date.now();
const cmd = (over: Partial<Extract<AuditEntry, { type: 'command' }>> = {}): AuditEntry => ({
  type: 'command',
  at: NOW,
  user: 'U0ALICE',
  channel: 'C1',
  origin: 'slack',
  text: '/vps destroy web-1',
  op: 'destroy',
  host: 'vz-1',
  target: 'web-1',
  outcome: 'queued',
  requestId: 'abc12345',
  ...over,
});

beforeAll(() => {
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
});
afterAll(() => {
  redis.disconnect();
});

describe('AuditLog', () => {
  it('reads back what it appended, and redis-cli XRANGE shows the main fields flat', async () => {
    const { keys, log } = fresh();
    const entry = cmd();
    const id = await log.append(entry);
    expect(id).toMatch(/^\d+-\d+$/);
    const { entries, next } = await log.query({ limit: 10 });
    expect(entries).toEqual([{ ...entry, id }]);
    expect(next).toBeUndefined();
    const [[, fields]] = (await redis.xrange(keys.audit, '-', '+')) as [[string, string[]]];
    const flat = Object.fromEntries(fields.flatMap((v, i) => (i % 2 ? [] : [[v, fields[i + 1]]])));
    expect(flat).toMatchObject({
      type: 'command',
      at: String(NOW),
      user: 'U0ALICE',
      target: 'web-1',
      host: 'vz-1',
      requestId: 'abc12345',
    });
    expect(JSON.parse(flat.data!)).toEqual(entry);
  });

  it('filters by guest, user and time, newest first', async () => {
    const { log } = fresh();
    await log.append(cmd({ at: NOW - 5 * HOUR, target: 'web-1', user: 'U0ALICE', requestId: 'old1' }));
    await log.append(cmd({ at: NOW - HOUR, target: 'db-1', user: 'U0BOB', requestId: 'db1' }));
    await log.append({
      type: 'job',
      at: NOW - 30 * 60_000,
      requestId: 'db1',
      host: 'vz-1',
      op: 'destroy',
      target: 'db-1',
      user: 'U0BOB',
      phase: 'end',
      result: 'done',
      durationMs: 3000,
    });
    await log.append({
      type: 'message',
      at: NOW,
      requestId: 'db1',
      channel: 'C1',
      permalink: 'https://x/p1',
    });
    await log.append(cmd({ at: NOW, target: 'web-1', user: 'U0BOB', requestId: 'new1' }));

    const ids = (p: Awaited<ReturnType<AuditLog['query']>>) =>
      p.entries.map((e) => ('user' in e ? `${e.type}:${e.requestId}` : e.type));
    expect(ids(await log.query({ limit: 10, guest: 'web-1' }))).toEqual(['command:new1', 'command:old1']);
    expect(ids(await log.query({ limit: 10, user: 'U0BOB' }))).toEqual([
      'command:new1',
      'job:db1',
      'command:db1',
    ]);
    expect(ids(await log.query({ limit: 10, since: NOW - 2 * HOUR }))).toEqual([
      'command:new1',
      'message',
      'job:db1',
      'command:db1',
    ]);
    expect(ids(await log.query({ limit: 10, since: NOW - 2 * HOUR, type: 'job' }))).toEqual(['job:db1']);
    expect(ids(await log.query({ limit: 10, guest: 'nope' }))).toEqual([]);
  });

  it("bounds by time with the writer's clock: since inclusive, until exclusive", async () => {
    const { log } = fresh();
    const tick = () => new Promise((r) => setTimeout(r, 5));
    await log.append(cmd({ at: Date.now(), requestId: 'a' }));
    await tick();
    const from = Date.now();
    await log.append(cmd({ at: from, requestId: 'b' }));
    await tick();
    const to = Date.now();
    await log.append(cmd({ at: to, requestId: 'c' }));
    const page = await log.query({ limit: 10, since: from, until: to });
    expect(page.entries.map((e) => e.requestId)).toEqual(['b']);
    const all: string[] = [];
    for await (const e of log.all({ until: to })) all.push(e.requestId!);
    expect(all).toEqual(['a', 'b']);
  });

  it('pages back through the trail with the cursor it returns', async () => {
    const { log } = fresh();
    for (let i = 1; i <= 5; i++) await log.append(cmd({ requestId: `r${i}` }));
    const seen: string[] = [];
    let before: string | undefined;
    let pages = 0;
    do {
      const page = await log.query({ limit: 2, ...(before ? { before } : {}) });
      seen.push(...page.entries.map((e) => e.requestId!));
      before = page.next;
      pages++;
    } while (before);
    expect(seen).toEqual(['r5', 'r4', 'r3', 'r2', 'r1']);
    expect(pages).toBe(3);
  });

  it('pages over more entries than one Redis batch, and all() reads oldest first within bounds', async () => {
    const { log } = fresh();
    for (let i = 0; i < 450; i++) await log.append(cmd({ at: NOW - (450 - i) * 1000, requestId: `r${i}` }));
    const page = await log.query({ limit: 300, user: 'U0ALICE' });
    expect(page.entries).toHaveLength(300);
    expect(page.entries[0]!.requestId).toBe('r449');
    const rest = await log.query({ limit: 300, before: page.next! });
    expect(rest.entries).toHaveLength(150);
    expect(rest.next).toBeUndefined();
    const all: string[] = [];
    for await (const e of log.all({ since: NOW - 100_000, until: NOW - 50_000 })) all.push(e.requestId!);
    expect(all[0]).toBe('r350');
    expect(all.at(-1)).toBe('r399');
    expect(all).toHaveLength(50);
  });

  it('only ever appends: earlier entries stay as they were', async () => {
    const { keys, log } = fresh();
    const first = await log.append(cmd({ requestId: 'first' }));
    const before = await redis.xrange(keys.audit, first, first);
    for (let i = 0; i < 3; i++) await log.append(cmd({ requestId: 'first' }));
    expect(await redis.xlen(keys.audit)).toBe(4);
    expect(await redis.xrange(keys.audit, first, first)).toEqual(before);
  });

  it('refuses loudly when Redis cannot take the entry, so the caller does nothing', async () => {
    const port = await freePort();
    const down = new Redis(`redis://127.0.0.1:${port}`, {
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    down.on('error', () => {});
    const err = await new AuditLog(down, new Keys('down')).append(cmd()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpError);
    expect((err as OpError).code).toBe('INTERNAL');
    expect((err as OpError).userMessage).toMatch(
      /^The audit trail could not be written, so nothing was done: .+\. Check Redis\.$/,
    );
    down.disconnect();

    const closed = new Redis(redisServer.url);
    await closed.quit();
    await expect(new AuditLog(closed, new Keys('closed')).append(cmd())).rejects.toThrow(
      'The audit trail could not be written, so nothing was done: Connection is closed.. Check Redis.',
    );
  });
});

describe('parseTimeBound', () => {
  it('takes a duration back from now or an ISO date (UTC unless it says otherwise)', () => {
    expect(parseTimeBound('2h', NOW)).toBe(NOW - 2 * HOUR);
    expect(parseTimeBound('2026-11-01', NOW)).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimeBound('2026-11-01T14:30', NOW)).toBe(Date.UTC(2026, 10, 1, 14, 30));
    expect(parseTimeBound('2026-11-01T14:30+02:00', NOW)).toBe(Date.UTC(2026, 10, 1, 12, 30));
    for (const bad of ['2026-02-30', 'yesterday', '2026-11-01T25:00', '']) {
      expect(parseTimeBound(bad, NOW)).toBeUndefined();
    }
  });
});

describe('/vps audit', () => {
  let services: BotServices;
  let jobs: JobStore;
  let notify: NotifyPublisher;
  let log: AuditLog;

  beforeAll(async () => {
    const keys = new Keys('audit-op');
    const config = testConfig({ hosts: { 'vz-1': { kind: 'openvz' } } });
    notify = new NotifyPublisher(redis, keys.prefix);
    jobs = new JobStore(redis, keys, config, notify);
    const fleet = new FleetStore(redis, keys);
    log = new AuditLog(redis, keys);
    // Only what /vps audit uses; the rest of the bot is not wired here.
    services = {
      fleet,
      jobs,
      catalogue,
      hostNames: ['vz-1'],
      now: () => Date.now(),
      audit: log,
      visible: () => true,
      allowedVerbs: () => new Set(),
      alerts: {} as BotServices['alerts'],
      approvals: {} as BotServices['approvals'],
    };
    const t = Date.now() - HOUR;
    await log.append(cmd({ at: t, requestId: 'job00001', text: '/vps destroy web-1' }));
    await log.append({
      type: 'message',
      at: t + 1000,
      requestId: 'job00001',
      channel: 'C1',
      permalink: 'https://example.slack.com/archives/C1/p1',
    });
    await log.append({
      type: 'job',
      at: t + 2000,
      requestId: 'job00001',
      host: 'vz-1',
      op: 'destroy',
      target: 'web-1',
      user: 'U0ALICE',
      phase: 'start',
    });
    await log.append({
      type: 'job',
      at: t + 5000,
      requestId: 'job00001',
      host: 'vz-1',
      op: 'destroy',
      target: 'web-1',
      user: 'U0ALICE',
      phase: 'end',
      result: 'done',
      durationMs: 3000,
    });
    await log.append(
      cmd({
        at: t + 6000,
        user: 'mallory',
        text: '/vps destroy db-1',
        target: 'db-1',
        outcome: 'denied',
        reason: 'You may not destroy guests on vz-1.',
        requestId: 'den00001',
      }),
    );
    await log.append({
      type: 'approval',
      at: t + 7000,
      approvalId: 'apr1',
      requestId: 'job00002',
      user: 'U0CAROL',
      decision: 'approved',
      op: 'revert',
      host: 'vz-1',
      target: 'db-1',
      approvers: ['U0BOB', 'U0CAROL'],
      needed: 2,
    });
    for (let i = 0; i < 24; i++)
      await log.append(
        cmd({
          at: t + 10_000 + i,
          op: 'list',
          target: undefined,
          host: undefined,
          text: `/vps list page=${i}`,
          outcome: 'answered',
          user: 'bob',
          requestId: undefined,
        }),
      );
  });

  afterAll(async () => {
    await jobs.close();
    await notify.close();
  });

  const audit = async (text: string, s: BotServices = services, user = 'U0ALICE'): Promise<Drawn> => {
    const parsed = parseCommand(text, catalogue);
    const answer = await parsed.op.answer!({
      target: { kind: 'none' },
      args: parsed.args,
      user,
      config: testConfig(),
      services: s,
    });
    return drawn(answered(answer));
  };

  it('shows who did what, newest first, one line each, with a link to the job message', async () => {
    const reply = await audit('/vps audit guest=web-1');
    expect(reply.ok).toBe(true);
    expect(reply.page).toBeUndefined();
    const text = renderBlocks(reply.blocks);
    const lines = text.split('\n').filter((l) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(l));
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/@U0ALICE 🏁 job job00001 done in 3s · message$/);
    expect(lines[1]).toMatch(/@U0ALICE ▶️ job job00001 started: destroy web-1 on vz-1 · message$/);
    expect(lines[2]).toMatch(/@U0ALICE ✅ destroy web-1 on vz-1 queued as job job00001 · message$/);
    const raw = JSON.stringify(reply.blocks);
    expect(raw).toContain('<https://example.slack.com/archives/C1/p1|message>');
  });

  it('says why a command was denied and how an approval stands', async () => {
    const text = renderBlocks((await audit('/vps audit guest=db-1')).blocks);
    expect(text).toContain('mallory ⛔ denied destroy db-1 on vz-1: You may not destroy guests on vz-1.');
    expect(text).toContain('@U0CAROL 👍 approved apr1 (2 of 2): revert db-1 on vz-1');
  });

  it('pages 20 entries at a time, with Prev/Next for the chat adapters', async () => {
    const first = await audit('/vps audit');
    expect(first.page).toEqual({ page: 1, pages: 2 });
    const lines1 = renderBlocks(first.blocks)
      .split('\n')
      .filter((l) => l.includes(' bob 🔎 '));
    expect(lines1).toHaveLength(20);
    expect(lines1[0]).toContain('/vps list page=23');
    const second = await audit('/vps audit page=2');
    expect(second.page).toEqual({ page: 2, pages: 2 });
    const text2 = renderBlocks(second.blocks);
    expect(text2).toContain('/vps list page=0');
    expect(text2).toContain('queued as job job00001');
    expect(text2).not.toContain('/vps list page=4\n');
    const beyond = await audit('/vps audit page=9');
    expect(beyond.text).toBe('No audit entries on page 9');
  });

  it('filters by person and by time', async () => {
    const bob = renderBlocks((await audit('/vps audit user=bob page=2')).blocks);
    expect(bob.split('\n').filter((l) => l.includes(' bob '))).toHaveLength(4);
    const slack = renderBlocks((await audit('/vps audit user=<@U0CAROL|carol>')).blocks);
    expect(slack).toContain('approved apr1');
    expect((await audit('/vps audit since=1m')).text).toBe('No audit entries (since=1m)');
    expect((await audit('/vps audit since=2h')).page).toEqual({ page: 1, pages: 2 });
  });

  it('shows only what the caller may see', async () => {
    const noDb = { ...services, visible: (_h: string, g?: string) => g !== 'db-1' };
    expect((await audit('/vps audit guest=db-1', noDb)).text).toBe('No audit entries (guest=db-1)');
    expect(renderBlocks((await audit('/vps audit guest=web-1', noDb)).blocks)).toContain('job00001 done');
    // Entries that name no host could be about any: only for whole-fleet callers, or their author.
    const nothing = { ...services, visible: () => false };
    expect((await audit('/vps audit', nothing, 'U0ALICE')).text).toBe('No audit entries');
    const own = await audit('/vps audit', nothing, 'bob');
    expect(own.page).toEqual({ page: 1, pages: 2 });
    expect(renderBlocks((await audit('/vps audit page=2', nothing, 'bob')).blocks)).not.toContain('job00001');
  });

  it('refuses a since= that is neither a duration nor a date', async () => {
    expect(() => parseCommand('/vps audit since=lastweek', catalogue)).toThrow(
      'since: "lastweek" is neither a duration like 2h or 7d nor a date like 2026-11-01.',
    );
  });
});
