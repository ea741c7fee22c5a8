/**
 * What a read shows, as data: operations return it, and each chat surface draws each kind its own
 * way (chat/view). No module below chat/ knows how an answer looks.
 */
import type { AlertState, MaintenanceWindow } from './alert.js';
import type { ApprovalRecord } from './approval.js';
import type { StoredEntry } from './audit.js';
import type { SerializedError } from './errors.js';
import type { Guest, Snapshot } from './hypervisor.js';
import type { HostView } from './inventory.js';
import type { ResourceLevel } from './overcommit.js';

/** One verb as help shows it. */
export interface VerbHelp {
  name: string;
  summary: string;
  usage: string;
  destructive: boolean;
  options: Array<{ key: string; hint: string; help: string; defaultText?: string; required: boolean }>;
  examples: string[];
}

/** A host as `/vps hosts` shows it. */
export interface HostRow {
  view: HostView;
  kind: string;
  group: string;
}

/** A host as `/vps capacity` shows it: its levels, once it has registered. */
export interface CapacityRow extends HostRow {
  levels?: ResourceLevel[];
}

/** Where a job is in its host's queue (BullMQ's states). */
export type JobState =
  | 'waiting'
  | 'delayed'
  | 'active'
  | 'completed'
  | 'failed'
  | 'prioritized'
  | 'waiting-children'
  | 'unknown';

/** A job as `/vps jobs` lists it. */
export interface JobRow {
  id: string;
  op: string;
  /** The guest's name, or the word the request named. */
  target: string;
  host: string;
  user: string;
  state: JobState;
  createdAt: number;
  /** Why it failed, for a failed job. */
  reason?: string;
}

/** What to draw. Each kind has one renderer per surface in chat/view. */
export type View =
  /** One sentence, with `icon` in front of it. */
  | { kind: 'text'; text: string; icon?: string }
  | { kind: 'error'; error: SerializedError }
  | { kind: 'help'; verbs: VerbHelp[] }
  | { kind: 'help-verb'; verb: VerbHelp }
  | { kind: 'hosts'; hosts: HostRow[]; now: number }
  | { kind: 'capacity'; hosts: CapacityRow[]; countStopped: boolean; now: number }
  | {
      kind: 'guests';
      /** Guests of this page; `host` is set when the list spans several hosts. */
      rows: Array<{ guest: Guest; host?: string }>;
      total: number;
      state?: string;
      /** The one host listed, when the list is of one host. */
      host?: string;
      /** When each host's inventory was taken; hosts without one are `missing`. */
      seen: Array<{ host: string; at: number }>;
      missing: string[];
      page: number;
      pages: number;
      now: number;
    }
  | { kind: 'guest'; guest: Guest; host: string; seenAt: number; now: number; live: boolean }
  | { kind: 'jobs'; jobs: JobRow[]; now: number }
  | { kind: 'alerts'; alerts: AlertState[]; maintenance: MaintenanceWindow[]; now: number }
  | {
      kind: 'silenced';
      host: string;
      guest?: string;
      /** One alert's fingerprint, when only it is muted. */
      alert?: string;
      forMs: number;
      until: number;
      by: string;
      reason?: string;
    }
  | { kind: 'maintenance'; host: string; forMs: number; until: number; by: string; reason?: string }
  | { kind: 'approvals'; approvals: ApprovalRecord[]; now: number }
  | {
      kind: 'audit';
      title: string;
      entries: StoredEntry[];
      /** Chat permalinks by request id. */
      links: Record<string, string>;
      more: boolean;
    }
  | { kind: 'snapshots'; summary: string; snapshots: Snapshot[] };

/** What a worker-side operation returns: one sentence, optional fields, and what to draw. */
export interface RunResult {
  summary: string;
  fields?: Record<string, string>;
  /** A read run on the host (guests, snapshots) draws this under the summary. */
  view?: View;
}
