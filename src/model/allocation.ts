/**
 * How much of a host its guests have been promised: CPUs, memory and disk against the capacity the
 * worker registered. Pure arithmetic over what Redis already holds, so the App Home, the create
 * modal and overcommit alerts (issue 6) all count the same way.
 */

import type { GuestState } from './hypervisor.js';
import type { HostRegistration, Inventory } from './inventory.js';

/** One resource: what guests were given against what the host has. `used` may exceed `total`. */
export interface Usage {
  used: number;
  total: number;
}

/** The allocation of one host. */
export interface Allocation {
  /** vCPUs promised against hardware threads. */
  cpu: Usage;
  memory: Usage;
  /** Provisioned (not written) disk against the storage available to guests. */
  disk: Usage;
  /** What is left to give a new guest; never negative, also when the host is overcommitted. */
  free: { cpus: number; memoryBytes: number; diskBytes: number };
  /** Guests per state, all of them, whatever `countStopped` says. */
  counts: Record<GuestState, number>;
}

/** How to count. */
export interface AllocationOptions {
  /**
   * Whether stopped guests count toward `used` (default true): they keep their disk and can start at
   * any time, taking their CPUs and memory back. False gives what is in use right now.
   */
  countStopped?: boolean;
}

/** The resources `overcommitted` reports on. */
export type Resource = 'cpu' | 'memory' | 'disk';

/** What a guest without a CPU limit counts as (see allocation()). */
export const UNLIMITED_VCPUS = 1;

const STATES: readonly GuestState[] = ['running', 'stopped', 'paused', 'crashed', 'unknown'];

// Inventories come from JSON written by another process: treat anything odd as nothing.
const amount = (n: number): number => (Number.isFinite(n) && n > 0 ? n : 0);

/**
 * Sums the guests of `inventory` against the capacity of `registration`.
 *
 * A guest with `vcpus` 0 has no CPU limit (OpenVZ with CPUS unset) and counts as one vCPU: it was
 * promised no CPUs of its own, and counting it as the whole host would make every ordinary OpenVZ
 * host read as tens of times overcommitted (their CPU sharing is set by cpuunits, not by CPUS).
 * Paused, crashed and unknown guests always count: they still hold their memory and disk, or may
 * again. A missing inventory means no guests.
 */
export function allocation(
  registration: Pick<HostRegistration, 'capacity'>,
  inventory: Pick<Inventory, 'guests'> | undefined,
  opts: AllocationOptions = {},
): Allocation {
  const countStopped = opts.countStopped ?? true;
  const cap = registration.capacity;
  const total = {
    cpus: amount(cap.cpus),
    memoryBytes: amount(cap.memoryBytes),
    diskBytes: amount(cap.diskBytes),
  };
  const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<GuestState, number>;
  let cpus = 0;
  let memory = 0;
  let disk = 0;
  for (const g of inventory?.guests ?? []) {
    // An unexpected state string from a newer worker still gets counted, as unknown.
    const state: GuestState = STATES.includes(g.state) ? g.state : 'unknown';
    counts[state] += 1;
    if (state === 'stopped' && !countStopped) continue;
    cpus += amount(g.vcpus) || UNLIMITED_VCPUS;
    memory += amount(g.memoryBytes);
    disk += amount(g.diskBytes);
  }
  return {
    cpu: { used: cpus, total: total.cpus },
    memory: { used: memory, total: total.memoryBytes },
    disk: { used: disk, total: total.diskBytes },
    free: {
      cpus: Math.max(0, total.cpus - cpus),
      memoryBytes: Math.max(0, total.memoryBytes - memory),
      diskBytes: Math.max(0, total.diskBytes - disk),
    },
    counts,
  };
}

/**
 * `used / total` as a ratio (1 = fully allocated, above 1 = overcommitted). A host that reports no
 * capacity is at 0 when nothing is used and Infinity otherwise, so it is never mistaken for healthy.
 */
export function ratio(u: Usage): number {
  if (u.total > 0) return u.used / u.total;
  return u.used > 0 ? Number.POSITIVE_INFINITY : 0;
}

/** The resources whose ratio is above `threshold` (default 1: more promised than the host has). */
export function overcommitted(a: Allocation, threshold = 1): Resource[] {
  return (['cpu', 'memory', 'disk'] as const).filter((r) => ratio(a[r]) > threshold);
}
