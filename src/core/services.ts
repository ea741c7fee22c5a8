/** What bot-side operations (help, hosts, list, status, jobs, cancel) may use. */
import type { FleetStore } from '../queue/fleet.js';
import type { InventorySource } from '../queue/inventory-cache.js';
import type { JobStore } from '../queue/jobs.js';
import type { OperationDef } from './operation.js';

export interface BotServices {
  fleet: FleetStore;
  /** Which guests exist where, for resolving names (states may be stale; reads use `fleet`). */
  guestIndex: InventorySource;
  jobs: JobStore;
  catalogue: ReadonlyMap<string, OperationDef>;
  /** Host names from the configuration, in order. */
  hostNames: string[];
  now(): number;
}
