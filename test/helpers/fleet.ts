/**
 * Hosts as their workers would report them, written straight to Redis: for alert tests that need
 * many hosts, or a clock of their own, without a simulator and a worker per host.
 */
import type { Guest, GuestState } from '../../src/model/hypervisor.js';
import type { FleetStore } from '../../src/store/fleet.js';

const GiB = 1024 ** 3;

/** A guest of a reported host: its RAM in GiB and its state (running by default). */
export interface ReportedGuest {
  name: string;
  memGiB: number;
  state?: GuestState;
}

/**
 * Registers `host` with `memGiB` of RAM (and CPU and disk to spare), gives it a live heartbeat
 * and publishes its inventory taken at `at`. RAM overcommit is then Σ guest RAM / `memGiB`.
 */
export async function reportHost(
  fleet: FleetStore,
  host: string,
  o: { memGiB: number; guests: ReportedGuest[]; at: number },
): Promise<void> {
  await fleet.register({
    host,
    kind: 'openvz',
    group: 'test',
    capacity: { cpus: 64, memoryBytes: o.memGiB * GiB, swapBytes: 0, diskBytes: 100 * 1024 * GiB },
    versions: {},
    pid: process.pid,
    startedAt: o.at,
  });
  // An hour of heartbeat: the host stays up for the whole test whatever its clock says.
  await fleet.heartbeat(host, 3600_000, o.at);
  await publishGuests(fleet, host, o.guests, o.at);
}

/** A new inventory of `host` (guests came, went or changed state), taken at `at`. */
export async function publishGuests(
  fleet: FleetStore,
  host: string,
  guests: ReportedGuest[],
  at: number,
): Promise<void> {
  await fleet.publishInventory({ host, at, guests: guests.map((g, i) => guest(g, i)) });
}

function guest(g: ReportedGuest, i: number): Guest {
  return {
    id: String(101 + i),
    name: g.name,
    state: g.state ?? 'running',
    vcpus: 1,
    memoryBytes: g.memGiB * GiB,
    diskBytes: 10 * GiB,
    ips: [],
  };
}
