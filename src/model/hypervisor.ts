/**
 * The hypervisor interface: one shape for KVM (libvirt), OpenVZ (vzctl/vzlist) and test doubles.
 * Guests are addressed by `id` (the OpenVZ CTID, the libvirt domain name); names are for people.
 */

export type GuestState = 'running' | 'stopped' | 'paused' | 'crashed' | 'unknown';

export interface Guest {
  /** Stable id on its host: CTID for OpenVZ, domain name for KVM. */
  id: string;
  /** What people call it; the OpenVZ `name` when set, else the CTID. */
  name: string;
  state: GuestState;
  /** Why it is in that state, when the hypervisor says (e.g. `crashed`, `shutdown`, `suspended`). */
  stateReason?: string;
  /** Virtual CPUs; 0 means "all host CPUs" (OpenVZ CPUS unset). */
  vcpus: number;
  memoryBytes: number;
  /** Swap on top of memoryBytes (OpenVZ VSwap swappages); absent when unlimited or not a thing (KVM). */
  swapBytes?: number;
  /** Provisioned disk (hard limit / virtual size). */
  diskBytes: number;
  ips: string[];
  hostname?: string;
  template?: string;
  description?: string;
}

export interface HostCapacity {
  /** Hardware threads. */
  cpus: number;
  memoryBytes: number;
  swapBytes: number;
  /** Storage available to guests (total). */
  diskBytes: number;
}

export interface HostInfo {
  /** Software versions, e.g. `{ vzctl: '4.11.1', kernel: '...' }`. */
  versions: Record<string, string>;
}

/** One resource's fail counter of one guest (OpenVZ beancounters): how often it hit its limit. */
export interface FailCount {
  guestId: string;
  /** The beancounter name, e.g. `physpages`, `numproc`. */
  resource: string;
  /** Allocations refused since the guest started; only grows, resets when it restarts. */
  failcnt: number;
  held?: number;
  /** Absent when unlimited. */
  limit?: number;
}

/** Passed to every operation: abort (cancel, timeout) and progress reporting. */
export interface OpContext {
  signal?: AbortSignal;
  /** Reports progress; pct is 0..100, step a short phrase ("stopping container"). */
  progress?: (pct: number, step: string) => void;
}

export interface CreateSpec {
  name: string;
  /** Explicit id (OpenVZ CTID); the driver picks one when absent. */
  id?: string;
  template: string;
  vcpus: number;
  memoryBytes: number;
  diskBytes: number;
  hostname?: string;
  ips?: string[];
  description?: string;
}

export interface ResizeSpec {
  vcpus?: number;
  memoryBytes?: number;
  diskBytes?: number;
}

export interface ResizeResult {
  /** `live`: in effect now; `next-boot`: saved to the config for the next start. */
  applied: 'live' | 'next-boot';
  notes: string[];
}

export interface ShutdownOptions {
  /** How long to wait for a graceful stop. */
  timeoutMs: number;
  /** Power off when the graceful stop does not finish in time. */
  force: boolean;
}

export interface Snapshot {
  id: string;
  name: string;
  /** ISO 8601 (or the hypervisor's own local time string when no zone is known). */
  createdAt: string;
  current: boolean;
  parent?: string;
}

export type GuestEventType =
  | 'started'
  | 'stopped'
  | 'crashed'
  | 'paused'
  | 'resumed'
  | 'created'
  | 'destroyed';

export interface GuestEvent {
  type: GuestEventType;
  guestId: string;
  /** Extra detail from the hypervisor (e.g. `Failed`, `Shutdown`). */
  reason?: string;
  /** Epoch ms. */
  at: number;
}

export interface Hypervisor {
  readonly kind: 'kvm' | 'openvz' | 'memory';
  info(): Promise<HostInfo>;
  capacity(): Promise<HostCapacity>;
  /** Every guest in one bulk call. */
  list(signal?: AbortSignal): Promise<Guest[]>;
  start(id: string, ctx?: OpContext): Promise<void>;
  shutdown(id: string, opts: ShutdownOptions, ctx?: OpContext): Promise<void>;
  powerOff(id: string, ctx?: OpContext): Promise<void>;
  reboot(id: string, ctx?: OpContext): Promise<void>;
  suspend(id: string, ctx?: OpContext): Promise<void>;
  resume(id: string, ctx?: OpContext): Promise<void>;
  create(spec: CreateSpec, ctx?: OpContext): Promise<Guest>;
  destroy(id: string, ctx?: OpContext): Promise<void>;
  resize(id: string, spec: ResizeSpec, ctx?: OpContext): Promise<ResizeResult>;
  snapshotCreate(id: string, name: string, ctx?: OpContext): Promise<Snapshot>;
  snapshotList(id: string, ctx?: OpContext): Promise<Snapshot[]>;
  snapshotRevert(id: string, snapshotId: string, ctx?: OpContext): Promise<void>;
  snapshotDelete(id: string, snapshotId: string, ctx?: OpContext): Promise<void>;
  /** Fail counters of every running guest, in one read (OpenVZ only; pressure alerts poll it). */
  failCounts?(signal?: AbortSignal): Promise<FailCount[]>;
  /** Lifecycle events until the signal aborts (OpenVZ: by polling `list`). */
  /**
   * Yields guest state changes until the signal aborts. `baseline` is the listing the caller
   * already published, so a change between that listing and the watch's first poll is not lost.
   */
  watch(signal: AbortSignal, baseline?: readonly Guest[]): AsyncIterable<GuestEvent>;
  close(): Promise<void>;
}
