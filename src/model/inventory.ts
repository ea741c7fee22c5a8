/** What Redis knows of a host: its registration, its guests as last listed, and its heartbeat. */
import type { Guest, HostCapacity } from './hypervisor.js';

export interface HostRegistration {
  host: string;
  kind: 'kvm' | 'openvz' | 'memory';
  group: string;
  capacity: HostCapacity;
  versions: Record<string, string>;
  pid: number;
  startedAt: number;
}

export interface Inventory {
  host: string;
  /** Epoch ms of the scan. */
  at: number;
  guests: Guest[];
}

export interface HostView {
  name: string;
  registration?: HostRegistration;
  /** Epoch ms of the last heartbeat, undefined when none is live (host silent or never seen). */
  lastBeat?: number;
  /** Epoch ms the host was last seen, also after its heartbeat expired. */
  lastSeen?: number;
  inventory?: Inventory;
}
