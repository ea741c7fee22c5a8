/**
 * The typed context a request carries through the pipeline's stages, where it comes from (the
 * entry), and what the stages may use (the deps). Stages fill the context in; none renders.
 */
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { AlertState } from '../../model/alert.js';
import type { AuditSink, CommandEntry } from '../../model/audit.js';
import type { Guest } from '../../model/hypervisor.js';
import type { ArgValues, JobRequest, ResolvedTarget } from '../../model/request.js';
import type { ParsedCommand } from '../../ops/grammar.js';
import type { BotServices, OperationDef } from '../../ops/operation.js';
import type { FleetStore } from '../../store/fleet.js';
import type { InventorySource } from '../../store/inventory-cache.js';
import type { JobStore } from '../../store/jobs.js';
import type { PeopleLimits, Ticket } from '../../store/people-limits.js';
import type { MaintenanceCache } from '../alerts/maintenance-cache.js';
import type { ApprovalFlow } from '../approvals.js';
import type { AccessPolicy, Subject } from '../policy/policy.js';

/** Where a request comes from: typed text, or a command built by a button, a form or the system. */
export interface Entry {
  /** Text after `/vps` (a leading `/vps` is accepted too). */
  text: string;
  user: string;
  channel?: string;
  /** The user's Slack user groups, for policy grants to groups. */
  usergroups?: string[];
  /** terminal | slack | exec | approval | bench … */
  origin: string;
  /** Stable id from the chat platform, so a retried delivery is not run twice. */
  requestId?: string;
  /** Already parsed (a Retry rebuilt from a job): the parse stage takes it as it is. */
  parsed?: ParsedCommand;
  /** The failed job a Retry runs again: it may be retried once, whoever clicks. */
  retryOf?: string;
  /** An approved request becoming a job: it runs exactly as approved, once the target still matches. */
  approved?: { id: string; hash: string; request: JobRequest };
}

/** What the stages find out about one request. */
export interface RequestContext {
  entry: Entry;
  who: Subject;
  /** Which rate limit the command counts against (limit); the audit stage counts it there. */
  ticket?: Ticket;
  /** The parsed command (parse). */
  cmd?: ParsedCommand;
  /** The target as resolved within what the caller may see (resolve). */
  target?: ResolvedTarget;
  /** The target guest as the inventory shows it (resolve), for approval and admission rules. */
  guest?: Guest;
  /** The host and guest the policy judges (resolve). */
  scope: { host?: string; guest?: string };
  /** Arguments normalized and checked against the limits (prepare). */
  args?: ArgValues;
  /** Why the host's overcommit policy wants an approver (admit). */
  overcommit?: string;
  /** What happens (decide): answered from Redis, run on the host, or first approved. */
  decision?:
    | { kind: 'answer' }
    | { kind: 'run'; request: JobRequest }
    | { kind: 'approve'; request: JobRequest; why: string };
  /** What the audit entry records, filled in as the stages learn it. */
  audit: Partial<CommandEntry>;
}

/** What the stages use. */
export interface PipelineDeps {
  config: Config;
  catalogue: ReadonlyMap<string, OperationDef>;
  fleet: FleetStore;
  guestIndex: InventorySource;
  jobs: JobStore;
  jobKey: string;
  log: Logger;
  access: AccessPolicy;
  audit: AuditSink;
  limits?: PeopleLimits;
  maintenance?: MaintenanceCache;
  approvals: ApprovalFlow;
  /** Alerts, for requests that name one (ack, silence). */
  alerts: { get(fingerprint: string): Promise<AlertState | undefined> };
  /** What bot-side operations may use, for one caller. */
  services(who: Subject): BotServices;
  now(): number;
}

/** One stage: reads and fills the context; throws an OpError to refuse the request. */
export type Stage = (ctx: RequestContext, deps: PipelineDeps) => Promise<void> | void;
