/**
 * The whole job pipeline in one test process: simulated OpenVZ hosts (one temp dir each), a worker
 * per host with the real OpenVZ driver, the bot core for dispatching, and a notifier whose sink
 * records every notice so a test can await "the final notice of request X" or "a guest notice for Y".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogue as defaultCatalogue } from '../../jobs/index.js';
import { type BotCore, createBotCore } from '../../src/bot/core.js';
import { Notifier, type NotifySink } from '../../src/bot/notifier.js';
import type { Pipeline as RequestPipeline } from '../../src/bot/pipeline/pipeline.js';
import { isFinal, type JobView } from '../../src/chat/view/job-message.js';
import { deepMerge, hostDriverConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { createDriver } from '../../src/drivers/index.js';
import { OpenVzDriver, type OpenVzDriverOptions } from '../../src/drivers/openvz/driver.js';
import { createLogger, type Logger } from '../../src/log.js';
import type { Hypervisor } from '../../src/model/hypervisor.js';
import type { Reply } from '../../src/model/outcome.js';
import type { OperationDef } from '../../src/ops/operation.js';
import {
  createSimHost,
  type SimContainerSeed,
  type SimHost,
  simControl,
} from '../../src/sim/openvz/index.js';
import type { Inventory } from '../../src/store/fleet.js';
import type { ApprovalNotice, GuestNotice, JobNotice, JobPhase } from '../../src/store/notify.js';
import { type RunningWorker, startWorker } from '../../src/worker/index.js';
import { TEST_JOB_KEY, testConfig } from './config.js';
import { type Drawn, drawn } from './reply.js';

export type SimControl = ReturnType<typeof simControl>;

/** A job notice as the sink got it: the folded view, the raw notice, when, and the inventory then. */
export interface RecordedJob {
  kind: 'job';
  /** Epoch ms at which the sink received it. */
  at: number;
  view: JobView;
  notice: JobNotice;
  /** For final notices: the host's inventory in Redis, read the moment the notice arrived. */
  inventory?: Inventory;
}

export interface RecordedGuest {
  kind: 'guest';
  at: number;
  notice: GuestNotice;
}

export type Recorded = RecordedJob | RecordedGuest;

type Waiter = { check: () => boolean };

/** Polls `check` until it returns something other than undefined/false, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    // null is "not yet" too (a Redis read of a key not written yet).
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A NotifySink that keeps everything it is given, in order, with arrival times. */
export class RecordingSink implements NotifySink {
  readonly records: Recorded[] = [];
  private waiters: Waiter[] = [];

  /** `inventoryOf` is read when a final job notice arrives, before it is recorded. */
  constructor(private readonly inventoryOf?: (host: string) => Promise<Inventory | undefined>) {}

  async job(view: JobView, notice: JobNotice): Promise<void> {
    const rec: RecordedJob = { kind: 'job', at: Date.now(), view: { ...view }, notice };
    if (isFinal(view.phase) && this.inventoryOf) {
      const inv = await this.inventoryOf(notice.host);
      if (inv) rec.inventory = inv;
    }
    this.push(rec);
  }

  async guest(notice: GuestNotice): Promise<void> {
    this.push({ kind: 'guest', at: Date.now(), notice });
  }

  readonly approvals: ApprovalNotice[] = [];

  async approval(notice: ApprovalNotice): Promise<void> {
    this.approvals.push(notice);
  }

  /** Job notices of one request, in arrival order. */
  jobs(requestId: string): RecordedJob[] {
    return this.records.filter((r): r is RecordedJob => r.kind === 'job' && r.notice.requestId === requestId);
  }

  /** Phases the sink saw for one request (raw notice phases). */
  phases(requestId: string): JobPhase[] {
    return this.jobs(requestId).map((r) => r.notice.phase);
  }

  /** Guest notices, optionally only those for a guest id or name. */
  guests(guest?: string): RecordedGuest[] {
    return this.records.filter(
      (r): r is RecordedGuest =>
        r.kind === 'guest' &&
        (guest === undefined || r.notice.guestId === guest || r.notice.guestName === guest),
    );
  }

  /** Resolves with the first record `pick` accepts (already recorded or still to come). */
  waitFor<T extends Recorded>(pick: (r: Recorded) => r is T, timeoutMs: number, what: string): Promise<T> {
    const found = this.records.find(pick);
    if (found) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          const hit = this.records.find(pick);
          if (hit) resolve(hit);
          return hit !== undefined;
        },
      };
      this.waiters.push(waiter);
      setTimeout(() => {
        if (!this.waiters.includes(waiter)) return;
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${what}; notices so far:\n${this.describe()}`,
          ),
        );
      }, timeoutMs);
    });
  }

  /** The final (done / failed / cancelled) notice of a request. */
  final(requestId: string, timeoutMs = 10_000): Promise<RecordedJob> {
    return this.waitFor(
      (r): r is RecordedJob => r.kind === 'job' && r.notice.requestId === requestId && isFinal(r.view.phase),
      timeoutMs,
      `the final notice of ${requestId}`,
    );
  }

  /** The first notice of a request in the given phase. */
  phase(requestId: string, phase: JobPhase, timeoutMs = 10_000): Promise<RecordedJob> {
    return this.waitFor(
      (r): r is RecordedJob =>
        r.kind === 'job' && r.notice.requestId === requestId && r.notice.phase === phase,
      timeoutMs,
      `a ${phase} notice of ${requestId}`,
    );
  }

  /** A guest notice for a guest (id or name), optionally of one event type and received after `after`. */
  guestNotice(
    guest: string,
    opts: { event?: string; after?: number; timeoutMs?: number } = {},
  ): Promise<RecordedGuest> {
    return this.waitFor(
      (r): r is RecordedGuest =>
        r.kind === 'guest' &&
        (r.notice.guestId === guest || r.notice.guestName === guest) &&
        (opts.event === undefined || r.notice.event === opts.event) &&
        r.at >= (opts.after ?? 0),
      opts.timeoutMs ?? 10_000,
      `a guest notice for ${guest}`,
    );
  }

  private push(rec: Recorded): void {
    this.records.push(rec);
    this.waiters = this.waiters.filter((w) => !w.check());
  }

  private describe(): string {
    return this.records
      .map((r) =>
        r.kind === 'job'
          ? `  job ${r.notice.requestId} ${r.notice.op} ${r.notice.phase}${r.notice.error ? ` ${r.notice.error.code}` : ''}`
          : `  guest ${r.notice.guestId} ${r.notice.event}`,
      )
      .join('\n');
  }
}

/** A pino logger that keeps every line as a parsed object. */
export interface LogCapture {
  logger: Logger;
  entries: Record<string, unknown>[];
}

export function captureLog(level = 'info'): LogCapture {
  const entries: Record<string, unknown>[] = [];
  const logger = createLogger(level, {
    write(line: string) {
      entries.push(JSON.parse(line) as Record<string, unknown>);
    },
  });
  return { logger, entries };
}

export interface SimHostSpec {
  containers: SimContainerSeed[];
  /** Per-action simulator delays in ms. */
  delays?: Record<string, number>;
  cpus?: number;
  memMiB?: number;
  /** Start this host's worker with the pipeline (default true). */
  worker?: boolean;
  /** Config layered for this host's worker only, e.g. `{ worker: { concurrency: 1 } }`. */
  workerConfig?: Record<string, unknown>;
  /** When given, the driver is an OpenVzDriver with these options over the config's (e.g. lockRetries). */
  driver?: Partial<OpenVzDriverOptions>;
}

export interface PipelineOptions {
  redisUrl: string;
  hosts: Record<string, SimHostSpec>;
  /** Config overrides layered over the pipeline's test defaults. */
  config?: Record<string, unknown>;
  /** Operation catalogue of the workers and the dispatcher (default: jobs/). */
  catalogue?: ReadonlyMap<string, OperationDef>;
  /** Environment for the config (secrets such as SLACK_BOT_TOKEN come only from there). */
  env?: Record<string, string>;
  /** Start the recording notifier (default true); false when a Slack bot consumes the notify queue. */
  notifier?: boolean;
}

export interface HostHandle {
  name: string;
  sim: SimHost;
  ctl: SimControl;
  /** Everything the host's workers logged (security events included). */
  log: LogCapture;
  /** The running worker, if started. */
  worker: RunningWorker | undefined;
  /** Starts a worker for the host (a fresh driver each time). */
  start(): Promise<RunningWorker>;
  /** Closes the running worker; resolves with whether its jobs finished within the grace. */
  stop(graceMs?: number): Promise<boolean>;
}

export interface Pipeline {
  dir: string;
  config: Config;
  core: BotCore;
  dispatcher: RequestPipeline;
  sink: RecordingSink;
  notifier: Notifier;
  catalogue: ReadonlyMap<string, OperationDef>;
  host(name: string): HostHandle;
  /** One command through the dispatcher, as `user` (default alice). */
  run(text: string, opts?: { user?: string; requestId?: string }): Promise<Drawn>;
  /** Dispatches a command that becomes a job and waits for its final notice. */
  runToEnd(text: string, timeoutMs?: number): Promise<{ reply: Reply; final: RecordedJob }>;
  close(): Promise<void>;
}

/** Test defaults: quick heartbeats and polls, a short retry backoff, a long inventory timer. */
const BASE_OVERRIDES = {
  worker: { heartbeatInterval: 200, heartbeatTtl: 1_000, inventoryInterval: 30_000, shutdownGrace: 5_000 },
  jobs: { backoff: 100 },
  openvz: { pollInterval: 300, commandTimeout: 20_000 },
};

export async function startPipeline(o: PipelineOptions): Promise<Pipeline> {
  const dir = await mkdtemp(join(tmpdir(), 'vpsops-pipeline-'));
  const catalogue = o.catalogue ?? defaultCatalogue;
  const sims = new Map<string, SimHost>();
  for (const [name, spec] of Object.entries(o.hosts)) {
    sims.set(
      name,
      await createSimHost({
        dir: join(dir, name),
        containers: spec.containers,
        ...(spec.delays ? { delays: spec.delays } : {}),
        ...(spec.cpus ? { cpus: spec.cpus } : {}),
        ...(spec.memMiB ? { memMiB: spec.memMiB } : {}),
      }),
    );
  }
  const hostsConfig = Object.fromEntries(
    [...sims].map(([name, sim]) => [
      name,
      {
        kind: 'openvz',
        group: 'test',
        openvz: { vzctl: sim.vzctl, vzlist: sim.vzlist, procRoot: sim.procRoot, diskRoot: sim.dir },
      },
    ]),
  );
  const overrides = deepMerge(
    deepMerge(BASE_OVERRIDES, { redis: { url: o.redisUrl }, hosts: hostsConfig }),
    o.config ?? {},
  );
  const config = testConfig(overrides, o.env);
  const botLog = captureLog('warn');
  const core = createBotCore(config, botLog.logger, catalogue);
  const dispatcher = core.pipeline;
  const sink = new RecordingSink(async (host) => (await core.fleet.inventories([host])).get(host));
  const notifier = new Notifier({
    redisUrl: config.redis.url,
    prefix: config.redis.prefix,
    catalogue,
    sink,
    log: botLog.logger,
  });
  if (o.notifier !== false) notifier.start();

  const handles = new Map<string, HostHandle>();
  for (const [name, spec] of Object.entries(o.hosts)) {
    const sim = sims.get(name)!;
    // Workers never hold Slack secrets: their config is built without the bot's environment.
    const workerConfig = testConfig(spec.workerConfig ? deepMerge(overrides, spec.workerConfig) : overrides);
    const log = captureLog('info');
    const makeDriver = (): Hypervisor => {
      if (!spec.driver) return createDriver(workerConfig, name, log.logger);
      const h = hostDriverConfig(workerConfig, name).openvz;
      return new OpenVzDriver({
        vzctl: h.vzctl,
        vzlist: h.vzlist,
        procRoot: h.procRoot,
        diskRoot: h.diskRoot,
        commandTimeoutMs: h.commandTimeout,
        pollIntervalMs: h.pollInterval,
        logger: log.logger.child({ driver: 'openvz' }),
        ...spec.driver,
      });
    };
    const handle: HostHandle = {
      name,
      sim,
      ctl: simControl(sim.dir),
      log,
      worker: undefined,
      async start() {
        if (handle.worker) throw new Error(`worker of ${name} already running`);
        handle.worker = await startWorker({
          config: workerConfig,
          host: name,
          driver: makeDriver(),
          jobKey: TEST_JOB_KEY,
          catalogue,
          log: log.logger.child({ host: name }),
          group: 'test',
        });
        return handle.worker;
      },
      async stop(graceMs = 5_000) {
        const w = handle.worker;
        handle.worker = undefined;
        return w ? w.close(graceMs) : true;
      },
    };
    handles.set(name, handle);
  }
  await Promise.all(
    [...handles.entries()].filter(([n]) => o.hosts[n]!.worker !== false).map(([, h]) => h.start()),
  );

  const run = async (text: string, opts: { user?: string; requestId?: string } = {}) =>
    drawn(
      await dispatcher.dispatch({
        text,
        user: opts.user ?? 'alice',
        channel: 'C-test',
        origin: 'test',
        ...(opts.requestId ? { requestId: opts.requestId } : {}),
      }),
    );

  return {
    dir,
    config,
    core,
    dispatcher,
    sink,
    notifier,
    catalogue,
    host(name) {
      const h = handles.get(name);
      if (!h) throw new Error(`no host ${name} in this pipeline`);
      return h;
    },
    run,
    async runToEnd(text, timeoutMs = 10_000) {
      const reply = await run(text);
      if (!reply.ok || !reply.jobId) throw new Error(`"${text}" did not become a job: ${reply.text}`);
      return { reply, final: await sink.final(reply.jobId, timeoutMs) };
    },
    async close() {
      await Promise.all([...handles.values()].map((h) => h.stop(2_000).catch(() => false)));
      await notifier.close();
      await core.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
