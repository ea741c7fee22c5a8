/** What bot-side operations (help, hosts, list, status, jobs, cancel) may use. */
import type { FleetStore } from '../queue/fleet.js';
import type { JobStore } from '../queue/jobs.js';
import type { OperationDef } from './operation.js';

export interface BotServices {
  fleet: FleetStore;
  jobs: JobStore;
  catalogue: ReadonlyMap<string, OperationDef>;
  /** Host names from the configuration, in order. */
  hostNames: string[];
  now(): number;
}
