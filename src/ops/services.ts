/** What bot-side operations (help, hosts, list, status, jobs, cancel, audit) may use. */

import type { ApprovalFlow } from '../bot/approvals.js';
import type { AlertStore } from '../store/alerts.js';
import type { AuditLog } from '../store/audit.js';
import type { FleetStore } from '../store/fleet.js';
import type { InventorySource } from '../store/inventory-cache.js';
import type { JobStore } from '../store/jobs.js';
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
