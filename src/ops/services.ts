/**
 * What bot-side operations may read and change, as interfaces over plain data: the bot hands in
 * its stores, tests may hand in anything with the same shape. Nothing here knows Redis or chat.
 */
import type { AlertState, MaintenanceWindow, Silence, SilenceScope } from '../model/alert.js';
import type { AuditPage, AuditQuery, StoredEntry } from '../model/audit.js';
import type { HostView, Inventory } from '../model/inventory.js';
import type { Answer } from '../model/outcome.js';
import type { JobRow } from '../model/view.js';

/** Who asks, and where: what the access policy judges. */
export interface Caller {
  user: string;
  usergroups?: string[];
  channel?: string;
}

export interface FleetReads {
  /** Registrations, heartbeats and inventories of these hosts, in the order given. */
  hosts(names: string[]): Promise<HostView[]>;
  /** The last inventory of each host that has one. */
  inventories(hosts: string[]): Promise<Map<string, Inventory>>;
}

export interface JobService {
  /** Recent jobs of these hosts, newest first. */
  rows(q: { hosts: string[]; limit: number; states?: JobRow['state'][] }): Promise<JobRow[]>;
  /** Cancels a queued or running job; throws JOB_NOT_FOUND or a sentence why it cannot. */
  cancel(id: string, by: string): Promise<{ state: JobRow['state']; host: string }>;
}

export interface AlertService {
  /** One alert, open or resolved, if it is still kept. */
  get(fingerprint: string): Promise<AlertState | undefined>;
  /** Open alerts (muted and flapping ones included), critical first. */
  open(): Promise<AlertState[]>;
  /** Records who acknowledged an alert; undefined when it is not kept. */
  ack(fingerprint: string, user: string, now: number): Promise<AlertState | undefined>;
  /** Maintenance windows in force. */
  maintenance(now: number): Promise<MaintenanceWindow[]>;
  silence(
    s: { scope: SilenceScope; until: number; by: string; reason?: string },
    now: number,
  ): Promise<Silence>;
  startMaintenance(
    host: string,
    w: { until: number; by: string; reason?: string },
    now: number,
  ): Promise<unknown>;
  /** False when the host was not in maintenance. */
  endMaintenance(host: string): Promise<boolean>;
}

export interface ApprovalService {
  /** What waits for approval, as far as the caller may see. */
  list(who: Caller): Promise<Answer>;
  /** An approval; the last one needed turns the request into a job (its answer says so). */
  approve(id: string, who: Caller): Promise<Answer>;
  deny(id: string, who: Caller, reason: string): Promise<Answer>;
}

export interface AuditReads {
  query(q: AuditQuery): Promise<AuditPage>;
  /** Chat permalinks of the entries' requests, by request id. */
  permalinks(entries: StoredEntry[]): Promise<Map<string, string>>;
}
