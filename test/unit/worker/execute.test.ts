/**
 * Executing a job whose turn has come: it is audited before the driver is touched, the guest is
 * marked as ours while it runs, its progress reaches the chat and the BullMQ job, and a run that
 * ends early is explained by what ended it: its own timeout, or a person's cancel. Real BullMQ
 * jobs and audit stream on redis-server, the in-memory driver, real Intents.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import type { JobEntry } from '../../../src/model/audit.js';
import { OpError } from '../../../src/model/errors.js';
import { defineOperation, type OperationDef, type RunContext } from '../../../src/ops/operation.js';
import { AuditLog } from '../../../src/store/audit.js';
import { type ExecuteDeps, execute, explain, type Failed } from '../../../src/worker/execute.js';
import { Intents } from '../../../src/worker/intents.js';
import { MemoryDriver } from '../../../testkit/memory-driver.js';
import { useRedis } from '../../helpers/redis.js';
import { NoticeLog, PhaseKit, runOf, testRequest } from '../../helpers/runner.js';

const server = useRedis();
let kit: PhaseKit;

beforeAll(() => {
  kit = new PhaseKit(server.url);
});
afterAll(async () => {
  await kit?.close();
});

/** A guest operation whose run is given by the test. */
function testOp(name: string, run: (ctx: RunContext) => Promise<{ summary: string }>, timeoutMs = 60_000) {
  return defineOperation({
    name,
    summary: 'for tests',
    target: 'guest',
    args: {},
    risk: 'change',
    role: 'operator',
    limit: 'commands',
    scope: 'guest',
    duringMaintenance: 'admins',
    changesGuests: true,
    timeoutMs,
    retryable: true,
    run,
  });
}

/** Resolves when the operation's signal aborts, then fails the way drivers do (an AbortError). */
const untilAborted = (ctx: RunContext) =>
  new Promise<never>((_, reject) =>
    ctx.signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')), {
      once: true,
    }),
  );

function setup(o: { audit?: AuditLog } = {}) {
  const changes: number[] = [];
  const d: ExecuteDeps = {
    driver: new MemoryDriver(3),
    intents: new Intents(10_000),
    audit: o.audit ?? new AuditLog(kit.redis, kit.keys),
    onChange: async () => void changes.push(Date.now()),
    progressTiming: { firstAfterMs: 0, intervalMs: 0 },
  };
  return { d, changes, notices: new NoticeLog() };
}

async function auditOf(requestId: string): Promise<JobEntry[]> {
  const page = await new AuditLog(kit.redis, kit.keys).query({ limit: 50, type: 'job' });
  return (page.entries as unknown as JobEntry[]).filter((e) => e.requestId === requestId).reverse();
}

async function queued(op: OperationDef, over = {}) {
  return kit.signed(testRequest({ op: op.name, args: {}, ...over }));
}

describe('execute', () => {
  it('audits the start, runs the operation through the driver and refreshes the inventory', async () => {
    const { d, changes } = setup();
    const job = await kit.signed(testRequest());
    const outcome = await execute(runOf(job), d);
    expect(outcome).toMatchObject({ ok: true, result: { summary: expect.stringMatching(/stopped/) } });
    expect((await d.driver.list()).find((g) => g.id === '101')?.state).toBe('stopped');
    expect(changes).toHaveLength(1);
    expect(await auditOf(job.id!)).toEqual([
      expect.objectContaining({
        phase: 'start',
        op: 'stop',
        target: 'web-1',
        user: 'alice',
        at: outcome.startedAt,
      }),
    ]);
  });

  it('stops an operation at its timeout and says so, not that it was cancelled', async () => {
    const hang = testOp('hang', untilAborted, 100);
    const { d, changes } = setup();
    const outcome = (await execute(runOf(await queued(hang), { op: hang }), d)) as Failed;
    expect(outcome.ok).toBe(false);
    expect(outcome.ran).toBe(true);
    expect(outcome.error.code).toBe('TIMEOUT');
    expect(outcome.error.userMessage).toBe('hang did not finish within 100ms and was stopped.');
    // A change that failed half-way may still have changed the guest.
    expect(changes).toHaveLength(1);
  });

  it('says who cancelled an operation that was running', async () => {
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const hang = testOp('hang', (ctx) => {
      started();
      return untilAborted(ctx);
    });
    const { d } = setup();
    const ac = new AbortController();
    const p = execute(runOf(await queued(hang), { op: hang, signal: ac.signal }), d);
    await running;
    ac.abort('cancelled by bob');
    const outcome = (await p) as Failed;
    expect(outcome.error.code).toBe('CANCELLED');
    expect(outcome.error.userMessage).toBe('The operation was cancelled (cancelled by bob).');
  });

  it("passes the driver's own error through", async () => {
    const fails = testOp('fails', async () => {
      throw new OpError('NOT_RUNNING', 'web-1 is not running.');
    });
    const { d, changes } = setup();
    const outcome = (await execute(runOf(await queued(fails), { op: fails }), d)) as Failed;
    expect(outcome.error).toMatchObject({ code: 'NOT_RUNNING', userMessage: 'web-1 is not running.' });
    expect(changes).toHaveLength(1);
  });

  it('sends progress to the chat and to the BullMQ job', async () => {
    const notices = new NoticeLog();
    const slow = testOp('slow', async (ctx) => {
      ctx.progress(40, 'halfway');
      while (!notices.notices.some((n) => n.pct === 40)) await new Promise((r) => setTimeout(r, 5));
      return { summary: 'slow is done' };
    });
    const { d } = setup();
    const job = await queued(slow);
    await execute(runOf(job, { op: slow, notices }), d);
    expect(notices.notices.find((n) => n.pct === 40)).toMatchObject({
      phase: 'running',
      step: 'halfway',
      attempt: 1,
    });
    expect((await kit.queue.getJob(job.id!))?.progress).toEqual({ pct: 40, step: 'halfway' });
  });

  it('marks the guest as ours while it runs, and after a stop for the grace period only', async () => {
    const { d } = setup();
    let during = false;
    const probe = testOp('probe', async () => {
      during = d.intents.explains('101', 'stopped');
      return { summary: 'ok' };
    });
    await execute(runOf(await queued(probe), { op: probe }), d);
    expect(during).toBe(true);
    expect(d.intents.explains('101', 'stopped')).toBe(false);
    await execute(runOf(await kit.signed(testRequest())), d);
    expect(d.intents.explains('101', 'stopped')).toBe(true);
    expect(d.intents.explains('101', 'crashed')).toBe(false);
  });

  it('never touches the driver when the start cannot be audited', async () => {
    const down = new Redis(server.url, { lazyConnect: true, maxRetriesPerRequest: 0 });
    down.disconnect();
    const { d, changes } = setup({ audit: new AuditLog(down, kit.keys) });
    let ran = false;
    const op = testOp('never', async () => {
      ran = true;
      return { summary: 'ran' };
    });
    const outcome = (await execute(runOf(await queued(op), { op }), d)) as Failed;
    expect(outcome).toMatchObject({ ok: false, ran: false });
    expect(ran).toBe(false);
    expect(changes).toEqual([]);
    expect(d.intents.explains('101', 'stopped')).toBe(false);
  });
});

describe('explain', () => {
  const op = catalogue.get('stop')!;
  const aborted = (reason?: unknown) => AbortSignal.abort(reason);
  const live = () => new AbortController().signal;

  it('is a timeout when only the timeout fired', () => {
    expect(explain(new Error('x'), live(), aborted(), op)).toMatchObject({
      code: 'TIMEOUT',
      userMessage: 'stop did not finish within 35m and was stopped.',
    });
  });

  it('is a cancel when the job was cancelled, even if the timeout fired too', () => {
    expect(explain(new Error('x'), aborted('cancelled by bob'), aborted(), op).userMessage).toBe(
      'The operation was cancelled (cancelled by bob).',
    );
    expect(explain(new Error('x'), aborted(new Error('no string')), live(), op).userMessage).toBe(
      'The operation was cancelled (a cancel request).',
    );
  });

  it('is the error itself when neither fired; anything unknown is INTERNAL', () => {
    const e = new OpError('LOCKED', 'busy');
    expect(explain(e, live(), live(), op)).toBe(e);
    expect(explain(new Error('segfault'), live(), live(), op)).toMatchObject({
      code: 'INTERNAL',
      detail: 'segfault',
    });
  });
});
