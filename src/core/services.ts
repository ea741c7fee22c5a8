/** What bot-side operations (help, hosts, list, status, jobs, cancel, audit) may use. */
import type { AlertStore } from '../alerts/store.js';
import type { ApprovalFlow } from '../approvals/flow.js';
import type { AuditLog } from '../audit/log.js';
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
  /** The audit trail; `/vps audit` refuses with INTERNAL while it is not wired. */
  audit?: AuditLog;
  /** Alerts, silences and maintenance windows (alerts, maintenance). */
  alerts?: AlertStore;
  /** Approval requests (approve, deny, pending). */
  approvals?: ApprovalFlow;
  /** Whether the caller may see a host, or a guest on it (reads show only those). */
  visible?(host: string, guest?: string): boolean;
  /** Verbs the caller may run (help lists only those). */
  allowedVerbs?: ReadonlySet<string>;
}
