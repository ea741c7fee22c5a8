/**
 * The OpenVZ driver: vzctl for actions, one `vzlist -a -j` per scan, /proc for capacity,
 * polling for events. Every input is validated before it reaches a command line.
 */
import { OpError } from '../../model/errors.js';
import type {
  CreateSpec,
  FailCount,
  Guest,
  GuestEvent,
  GuestState,
  HostCapacity,
  HostInfo,
  Hypervisor,
  OpContext,
  ResizeResult,
  ResizeSpec,
  ShutdownOptions,
  Snapshot,
} from '../../model/hypervisor.js';
import { humanDuration } from '../human.js';
import { diffGuests, pause } from '../poll-events.js';
import { nextCtid, planCreate, planResize } from './plan.js';
import { readBeancounters, readHostCapacity, readKernelVersion } from './proc.js';
import { type DriverLogger, silentLogger, type VzCall, VzRunner } from './runner.js';
import { SnapshotOps } from './snapshot-ops.js';
import { checkCtid } from './validate.js';

/** Constructor options; paths are those of the host (or of a wrapper, or the simulator). */
export interface OpenVzDriverOptions {
  vzctl: string;
  vzlist: string;
  /** Root of the proc tree for meminfo, cpuinfo, version and user_beancounters. */
  procRoot: string;
  /** Filesystem whose size is the host's disk capacity (statfs). Default `/vz`. */
  diskRoot?: string;
  /** Longest any single vzctl/vzlist call may run. Default 300 000 ms. */
  commandTimeoutMs?: number;
  /** How often watch() polls the listing. Default 5 000 ms. */
  pollIntervalMs?: number;
  /** Retries while a container is locked (exit 9) before LOCKED is thrown. Default 3. */
  lockRetries?: number;
  /** First wait between lock retries; doubles each time. Default 500 ms. */
  lockBackoffMs?: number;
  /** Swap given to a container as a multiple of its RAM on create/resize. Default 1. */
  swapRatio?: number;
  logger?: DriverLogger;
}

const CREATE_ATTEMPTS = 3;

/** The state a successful vzctl action leaves a container in (for the watch's baseline). */
const SETTLES_TO: Partial<Record<VzCall['action'], GuestState>> = {
  start: 'running',
  restart: 'running',
  resume: 'running',
  stop: 'stopped',
  suspend: 'paused',
};

function positive(name: string, value: number | undefined, fallback: number, min = 1): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < min) {
    throw new OpError('CONFIG', `openvz ${name} must be a number of at least ${min}, got ${String(value)}.`);
  }
  return v;
}

export class OpenVzDriver implements Hypervisor {
  readonly kind = 'openvz' as const;
  /** States our own successful actions left containers in since the watch's last poll. */
  private readonly settled = new Map<string, GuestState>();
  private readonly vz: VzRunner;
  private readonly snapshots: SnapshotOps;
  private readonly procRoot: string;
  private readonly diskRoot: string;
  private readonly pollIntervalMs: number;
  private readonly swapRatio: number;
  private readonly log: DriverLogger;

  constructor(opts: OpenVzDriverOptions) {
    for (const key of ['vzctl', 'vzlist', 'procRoot'] as const) {
      if (typeof opts[key] !== 'string' || opts[key] === '') {
        throw new OpError('CONFIG', `openvz ${key} must be a non-empty path.`);
      }
    }
    this.procRoot = opts.procRoot;
    this.diskRoot = opts.diskRoot ?? '/vz';
    this.pollIntervalMs = positive('pollIntervalMs', opts.pollIntervalMs, 5_000);
    this.swapRatio = positive('swapRatio', opts.swapRatio, 1, 0);
    this.log = opts.logger ?? silentLogger;
    this.vz = new VzRunner({
      vzctl: opts.vzctl,
      vzlist: opts.vzlist,
      commandTimeoutMs: positive('commandTimeoutMs', opts.commandTimeoutMs, 300_000),
      lockRetries: positive('lockRetries', opts.lockRetries, 3, 0),
      lockBackoffMs: positive('lockBackoffMs', opts.lockBackoffMs, 500, 0),
      logger: this.log,
    });
    this.snapshots = new SnapshotOps(this.vz);
  }

  async info(): Promise<HostInfo> {
    const [vzctl, kernel] = await Promise.all([this.vz.vzctlVersion(), readKernelVersion(this.procRoot)]);
    return { versions: kernel === undefined ? { vzctl } : { vzctl, kernel } };
  }

  capacity(): Promise<HostCapacity> {
    return readHostCapacity(this.procRoot, this.diskRoot);
  }

  list(signal?: AbortSignal): Promise<Guest[]> {
    return this.vz.list([], signal);
  }

  /** Fail counters of every running container from `<procRoot>/user_beancounters` (not the host's `0`). */
  async failCounts(signal?: AbortSignal): Promise<FailCount[]> {
    const out: FailCount[] = [];
    for (const [guestId, rows] of await readBeancounters(this.procRoot)) {
      if (guestId === '0') continue;
      for (const [resource, bc] of rows) {
        const row: FailCount = { guestId, resource, failcnt: bc.failcnt, held: bc.held };
        if (Number.isFinite(bc.limit)) row.limit = bc.limit;
        out.push(row);
      }
    }
    signal?.throwIfAborted();
    return out;
  }

  async start(id: string, ctx: OpContext = {}): Promise<void> {
    await this.action('start', id, ctx, 'starting container', 'container started');
  }

  async shutdown(id: string, opts: ShutdownOptions, ctx: OpContext = {}): Promise<void> {
    const ctid = checkCtid(id);
    const timeoutMs = opts.timeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new OpError(
        'BAD_INPUT',
        `The shutdown timeout must be a positive duration, got ${String(timeoutMs)}.`,
      );
    }
    ctx.progress?.(5, 'stopping container');
    try {
      await this.vz.vzctl({ action: 'stop', ctid, timeoutMs, signal: ctx.signal });
    } catch (err) {
      if (!(err instanceof OpError) || err.code !== 'TIMEOUT') throw err;
      if (!opts.force) {
        const message = `CT ${ctid} did not shut down within ${humanDuration(timeoutMs)}; use force=yes to power it off.`;
        throw new OpError('TIMEOUT', message, { cause: err, ...(err.detail ? { detail: err.detail } : {}) });
      }
      this.log.info({ ctid, timeoutMs }, 'graceful stop timed out; powering off');
      ctx.progress?.(60, 'graceful stop timed out; powering off');
      await this.vz.vzctl({ action: 'stop', ctid, args: ['--fast'], signal: ctx.signal });
    }
    this.settled.set(ctid, 'stopped');
    ctx.progress?.(100, 'container stopped');
  }

  async powerOff(id: string, ctx: OpContext = {}): Promise<void> {
    await this.action('stop', id, ctx, 'powering off', 'container powered off', ['--fast']);
  }

  async reboot(id: string, ctx: OpContext = {}): Promise<void> {
    // vzctl restart of a stopped container simply starts it.
    await this.action('restart', id, ctx, 'restarting container', 'container restarted');
  }

  async suspend(id: string, ctx: OpContext = {}): Promise<void> {
    await this.action('suspend', id, ctx, 'suspending container', 'container suspended');
  }

  async resume(id: string, ctx: OpContext = {}): Promise<void> {
    await this.action('resume', id, ctx, 'resuming container', 'container resumed');
  }

  async create(spec: CreateSpec, ctx: OpContext = {}): Promise<Guest> {
    const plan = planCreate(spec, this.swapRatio);
    const explicit = spec.id === undefined ? undefined : checkCtid(spec.id);
    const signal = ctx.signal;
    ctx.progress?.(5, 'choosing a container id');
    let ctid = explicit ?? nextCtid(await this.vz.list([], signal));
    const base = { action: 'create', template: plan.template, name: plan.name, signal } as const;
    for (let attempt = 1; ; attempt++) {
      ctx.progress?.(10, `creating CT ${ctid} from ${plan.template}`);
      // A CTID picked by us may be taken by a concurrent create in the meantime: pick the next one.
      const returnOn = explicit === undefined && attempt < CREATE_ATTEMPTS ? [44] : [];
      const res = await this.vz.vzctl({ ...base, ctid, args: plan.createArgs, returnOn });
      if (res.exitCode === 0) break;
      ctid = nextCtid(await this.vz.list([], signal), Number(ctid));
    }
    ctx.progress?.(70, 'setting CPU, memory and disk limits');
    try {
      await this.vz.vzctl({ action: 'set', ctid, args: plan.setArgs, name: plan.name, signal });
    } catch (err) {
      await this.rollbackCreate(ctid);
      throw err;
    }
    ctx.progress?.(95, 'reading back the new container');
    const guest = await this.guest(ctid, signal);
    ctx.progress?.(100, `CT ${ctid} created`);
    return guest;
  }

  async destroy(id: string, ctx: OpContext = {}): Promise<void> {
    const ctid = checkCtid(id);
    const signal = ctx.signal;
    const guest = await this.guest(ctid, signal);
    if (guest.state === 'running') {
      ctx.progress?.(20, 'powering off');
      await this.vz.vzctl({ action: 'stop', ctid, args: ['--fast'], signal });
    } else if (guest.stateReason === 'mounted') {
      ctx.progress?.(20, 'unmounting');
      await this.vz.vzctl({ action: 'umount', ctid, signal });
    }
    ctx.progress?.(50, 'destroying container');
    await this.vz.vzctl({ action: 'destroy', ctid, signal });
    ctx.progress?.(100, 'container destroyed');
  }

  async resize(id: string, spec: ResizeSpec, ctx: OpContext = {}): Promise<ResizeResult> {
    const ctid = checkCtid(id);
    // Check existence first: `vzctl set --save` on a missing CT writes a bare config and exits 0.
    const guest = await this.guest(ctid, ctx.signal);
    const { args, notes } = planResize(spec, guest, this.swapRatio);
    ctx.progress?.(20, 'changing limits');
    await this.vz.vzctl({ action: 'set', ctid, args, signal: ctx.signal });
    ctx.progress?.(100, 'limits changed');
    if (guest.state === 'running') {
      return { applied: 'live', notes: [`Applied to the running CT ${ctid} and saved.`, ...notes] };
    }
    const why = `CT ${ctid} is ${guest.stateReason ?? guest.state}; the new limits are saved and apply at its next start.`;
    return { applied: 'next-boot', notes: [why, ...notes] };
  }

  snapshotCreate(id: string, name: string, ctx: OpContext = {}): Promise<Snapshot> {
    return this.snapshots.create(checkCtid(id), name, ctx);
  }

  snapshotList(id: string, ctx: OpContext = {}): Promise<Snapshot[]> {
    return this.snapshots.list(checkCtid(id), ctx.signal);
  }

  snapshotRevert(id: string, snapshotId: string, ctx: OpContext = {}): Promise<void> {
    return this.snapshots.revert(checkCtid(id), snapshotId, ctx);
  }

  snapshotDelete(id: string, snapshotId: string, ctx: OpContext = {}): Promise<void> {
    return this.snapshots.remove(checkCtid(id), snapshotId, ctx);
  }

  /** Polls the listing every pollIntervalMs and yields what changed, until the signal aborts. */
  async *watch(signal: AbortSignal, baseline?: readonly Guest[]): AsyncIterable<GuestEvent> {
    let prev = baseline?.length ? [...baseline] : await this.quietList(signal);
    while (!signal.aborted) {
      await pause(this.pollIntervalMs, signal);
      if (signal.aborted) return;
      const next = await this.quietList(signal);
      if (!next) continue;
      if (prev) yield* diffGuests(this.withSettled(prev), next, Date.now());
      prev = next;
    }
  }

  /**
   * The previous poll, corrected by what our own operations did since: a container we started and
   * that died before the next poll must read as running → stopped, not as stopped all along.
   */
  private withSettled(prev: Guest[]): Guest[] {
    if (this.settled.size === 0) return prev;
    const out = prev.map((g) => {
      const state = this.settled.get(g.id);
      return state ? { ...g, state } : g;
    });
    this.settled.clear();
    return out;
  }

  async close(): Promise<void> {}

  /** One container by CTID from a vzlist of just that CTID; GUEST_NOT_FOUND when it is absent. */
  private async guest(ctid: string, signal?: AbortSignal): Promise<Guest> {
    const [guest] = await this.vz.list([ctid], signal);
    if (!guest) throw new OpError('GUEST_NOT_FOUND', `CT ${ctid} does not exist on this host.`);
    return guest;
  }

  private async action(
    action: VzCall['action'],
    id: string,
    ctx: OpContext,
    doing: string,
    done: string,
    args: string[] = [],
  ): Promise<void> {
    const ctid = checkCtid(id);
    ctx.progress?.(5, doing);
    await this.vz.vzctl({ action, ctid, args, signal: ctx.signal });
    const after = SETTLES_TO[action];
    if (after) this.settled.set(ctid, after);
    ctx.progress?.(100, done);
  }

  // A container whose limits could not be set is not what was asked for; remove it rather than leave it half made.
  private async rollbackCreate(ctid: string): Promise<void> {
    try {
      await this.vz.vzctl({ action: 'destroy', ctid });
    } catch (err) {
      this.log.error({ ctid, err }, 'could not remove a half-created container');
    }
  }

  // A failed poll is logged and skipped: one bad vzlist must not end the watch.
  private async quietList(signal: AbortSignal): Promise<Guest[] | undefined> {
    try {
      return await this.vz.list([], signal);
    } catch (err) {
      if (!signal.aborted) this.log.warn({ err }, 'openvz watch: listing failed; will retry');
      return undefined;
    }
  }
}
