/**
 * The KVM driver: the @unraid/libvirt binding over one long-lived connection for most things,
 * virsh (through exec.ts) for what the binding lacks, qemu-img for disks. On libvirt's test driver
 * (the demo) everything runs through the binding, because no other process can see its guests.
 */
import { hostname } from 'node:os';
import { isAbsolute } from 'node:path';
import { OpError } from '../../model/errors.js';
import type {
  CreateSpec,
  Guest,
  GuestEvent,
  HostCapacity,
  HostInfo,
  Hypervisor,
  OpContext,
  ResizeResult,
  ResizeSpec,
  ShutdownOptions,
  Snapshot,
} from '../../model/hypervisor.js';
import { hostCapacity, hostInfo } from './capacity.js';
import { LibvirtConnection } from './connection.js';
import { isTestDriverUri, type KvmContext } from './context.js';
import { type CreateSettings, createGuest, destroyGuest, type KvmTemplate } from './create.js';
import { Inventory } from './inventory.js';
import * as life from './lifecycle.js';
import { resizeGuest } from './resize.js';
import * as snap from './snapshot-ops.js';
import { type DriverLogger, silentLogger, Virsh } from './virsh.js';
import { type WatchSettings, watchGuests } from './watch.js';
import type { NetworkSpec } from './xml.js';

/** Constructor options; the worker builds them from `hostDriverConfig(config, host).kvm`. */
export interface KvmDriverOptions {
  /** libvirt URI: `qemu:///system` on a host, `test:///default` in the demo. */
  uri: string;
  /** Where guest disks are created (absolute). */
  imageDir: string;
  /** Templates for create, by name. Default none (on the test driver any name works). */
  templates?: Record<string, KvmTemplate>;
  /** `<domain type>` of new guests: `kvm` (hardware) or `qemu` (emulation). Default `kvm`. */
  domainType?: 'qemu' | 'kvm';
  /** NIC of new guests: a libvirt network or a host bridge. Default none. */
  network?: NetworkSpec;
  /** This host's name in the fleet; seeds stable MACs. Default the machine's hostname. */
  hostName?: string;
  /** virsh and qemu-img executables. Defaults `virsh`, `qemu-img`. */
  virsh?: string;
  qemuImg?: string;
  /** Longest any virsh/qemu-img call may run. Default 300 000 ms. */
  commandTimeoutMs?: number;
  /** How often a graceful shutdown checks the state. Default 500 ms. */
  pollIntervalMs?: number;
  /** Period of watch()'s reconciliation scan. Default 30 s, or 5 s on the test driver (its only source). */
  scanIntervalMs?: number;
  /** Waits between attempts to reach libvirtd again; their count is the number of retries. */
  reconnectBackoffMs?: readonly number[];
  /** First and longest wait before restarting a dead `virsh event` child. Defaults 1 s and 30 s. */
  eventRestartMs?: { first: number; max: number };
  logger?: DriverLogger;
  /** Module specifier of the binding (tests point it at one that does not exist). */
  bindingModule?: string;
}

const DEFAULT_BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000, 8_000];

function positive(name: string, value: number | undefined, fallback: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0)
    throw new OpError('CONFIG', `kvm ${name} must be a positive number, got ${String(value)}.`);
  return v;
}

export class KvmDriver implements Hypervisor {
  readonly kind = 'kvm' as const;
  private readonly k: KvmContext;
  private readonly inv: Inventory;
  private readonly createSettings: CreateSettings;
  private readonly watchSettings: WatchSettings;

  constructor(opts: KvmDriverOptions) {
    if (typeof opts.uri !== 'string' || !/^[a-z0-9+]+:\/\//i.test(opts.uri)) {
      throw new OpError(
        'CONFIG',
        `kvm uri must be a libvirt URI such as qemu:///system, got "${String(opts.uri)}".`,
      );
    }
    if (typeof opts.imageDir !== 'string' || !isAbsolute(opts.imageDir)) {
      throw new OpError('CONFIG', `kvm imageDir must be an absolute path, got "${String(opts.imageDir)}".`);
    }
    const domainType = opts.domainType ?? 'kvm';
    if (domainType !== 'kvm' && domainType !== 'qemu') {
      throw new OpError('CONFIG', `kvm domainType must be kvm or qemu, got "${String(domainType)}".`);
    }
    const log = opts.logger ?? silentLogger;
    const backoffMs = opts.reconnectBackoffMs ?? DEFAULT_BACKOFF_MS;
    const commandTimeoutMs = positive('commandTimeoutMs', opts.commandTimeoutMs, 300_000);
    const testDriver = isTestDriverUri(opts.uri);
    const lv = new LibvirtConnection({
      uri: opts.uri,
      logger: log,
      backoffMs,
      callTimeoutMs: commandTimeoutMs,
      ...(opts.bindingModule ? { bindingModule: opts.bindingModule } : {}),
    });
    const virsh = new Virsh({
      virsh: opts.virsh ?? 'virsh',
      uri: opts.uri,
      commandTimeoutMs,
      backoffMs,
      logger: log,
    });
    this.k = {
      uri: opts.uri,
      testDriver,
      imageDir: opts.imageDir,
      lv,
      virsh,
      qemuImg: opts.qemuImg ?? 'qemu-img',
      commandTimeoutMs,
      pollIntervalMs: positive('pollIntervalMs', opts.pollIntervalMs, 500),
      log,
    };
    this.inv = new Inventory(this.k);
    this.createSettings = {
      templates: opts.templates ?? {},
      domainType,
      hostName: opts.hostName ?? hostname(),
      ...(opts.network ? { network: opts.network } : {}),
    };
    this.watchSettings = {
      scanIntervalMs: positive('scanIntervalMs', opts.scanIntervalMs, testDriver ? 5_000 : 30_000),
      restartFirstMs: positive('eventRestartMs.first', opts.eventRestartMs?.first, 1_000),
      restartMaxMs: positive('eventRestartMs.max', opts.eventRestartMs?.max, 30_000),
    };
  }

  /** Loads the binding and opens the connection; throws CONFIG when the binding is missing. */
  async connect(): Promise<void> {
    await this.k.lv.open();
  }

  info(): Promise<HostInfo> {
    return hostInfo(this.k);
  }

  capacity(): Promise<HostCapacity> {
    return hostCapacity(this.k);
  }

  list(signal?: AbortSignal): Promise<Guest[]> {
    return this.inv.list(signal);
  }

  start(id: string, ctx: OpContext = {}): Promise<void> {
    return life.start(this.k, id, ctx);
  }

  shutdown(id: string, opts: ShutdownOptions, ctx: OpContext = {}): Promise<void> {
    return life.shutdown(this.k, id, opts, ctx);
  }

  powerOff(id: string, ctx: OpContext = {}): Promise<void> {
    return life.powerOff(this.k, id, ctx);
  }

  reboot(id: string, ctx: OpContext = {}): Promise<void> {
    return life.reboot(this.k, id, ctx);
  }

  suspend(id: string, ctx: OpContext = {}): Promise<void> {
    return life.suspend(this.k, id, ctx);
  }

  resume(id: string, ctx: OpContext = {}): Promise<void> {
    return life.resume(this.k, id, ctx);
  }

  create(spec: CreateSpec, ctx: OpContext = {}): Promise<Guest> {
    return createGuest(this.k, this.createSettings, this.inv, spec, ctx);
  }

  destroy(id: string, ctx: OpContext = {}): Promise<void> {
    return destroyGuest(this.k, this.inv, id, ctx);
  }

  resize(id: string, spec: ResizeSpec, ctx: OpContext = {}): Promise<ResizeResult> {
    return resizeGuest(this.k, this.inv, id, spec, ctx);
  }

  snapshotCreate(id: string, name: string, ctx: OpContext = {}): Promise<Snapshot> {
    return snap.snapshotCreate(this.k, id, name, ctx);
  }

  snapshotList(id: string, ctx: OpContext = {}): Promise<Snapshot[]> {
    return snap.snapshotList(this.k, id, ctx);
  }

  snapshotRevert(id: string, snapshotId: string, ctx: OpContext = {}): Promise<void> {
    return snap.snapshotRevert(this.k, id, snapshotId, ctx);
  }

  snapshotDelete(id: string, snapshotId: string, ctx: OpContext = {}): Promise<void> {
    return snap.snapshotDelete(this.k, id, snapshotId, ctx);
  }

  watch(signal: AbortSignal): AsyncIterable<GuestEvent> {
    return watchGuests(this.k, this.inv, this.watchSettings, signal);
  }

  close(): Promise<void> {
    return this.k.lv.close();
  }
}
