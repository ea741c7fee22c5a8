/**
 * A hypervisor whose calls cost nothing, used only by the bench so that what it measures is the
 * pipeline's own cost (queue hops, signing, locks, notices), not a hypervisor's.
 */
import type {
  CreateSpec,
  Guest,
  GuestEvent,
  HostCapacity,
  HostInfo,
  Hypervisor,
  ResizeResult,
  Snapshot,
} from '../src/model/hypervisor.js';

export class MemoryDriver implements Hypervisor {
  readonly kind = 'memory' as const;
  private readonly guests = new Map<string, Guest>();

  constructor(count: number) {
    for (let i = 0; i < count; i++) {
      const id = String(101 + i);
      this.guests.set(id, {
        id,
        name: `web-${i + 1}`,
        state: 'running',
        vcpus: 1,
        memoryBytes: 1 << 30,
        diskBytes: 20 * (1 << 30),
        ips: [],
      });
    }
  }

  async info(): Promise<HostInfo> {
    return { versions: { memory: '1' } };
  }
  async capacity(): Promise<HostCapacity> {
    return { cpus: 8, memoryBytes: 16 * (1 << 30), swapBytes: 0, diskBytes: 1 << 40 };
  }
  async list(): Promise<Guest[]> {
    return [...this.guests.values()].map((g) => ({ ...g }));
  }
  private set(id: string, state: Guest['state']): void {
    const g = this.guests.get(id);
    if (g) g.state = state;
  }
  async start(id: string) {
    this.set(id, 'running');
  }
  async shutdown(id: string) {
    this.set(id, 'stopped');
  }
  async powerOff(id: string) {
    this.set(id, 'stopped');
  }
  async reboot() {}
  async suspend(id: string) {
    this.set(id, 'paused');
  }
  async resume(id: string) {
    this.set(id, 'running');
  }
  async create(spec: CreateSpec): Promise<Guest> {
    const g: Guest = {
      id: spec.id ?? spec.name,
      name: spec.name,
      state: 'stopped',
      vcpus: spec.vcpus,
      memoryBytes: spec.memoryBytes,
      diskBytes: spec.diskBytes,
      ips: [],
    };
    this.guests.set(g.id, g);
    return g;
  }
  async destroy(id: string) {
    this.guests.delete(id);
  }
  async resize(): Promise<ResizeResult> {
    return { applied: 'live', notes: [] };
  }
  async snapshotCreate(_id: string, name: string): Promise<Snapshot> {
    return { id: name, name, createdAt: new Date().toISOString(), current: true };
  }
  async snapshotList(): Promise<Snapshot[]> {
    return [];
  }
  async snapshotRevert() {}
  async snapshotDelete() {}
  async *watch(signal: AbortSignal): AsyncIterable<GuestEvent> {
    await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
  }
  async close() {}
}
