/**
 * The shape of one operation in the catalogue (jobs/). The bot reads it to parse, validate, render
 * help and decide where it runs; the worker reads it to run.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Guest, Hypervisor } from '../model/hypervisor.js';
import type { Answer } from '../model/outcome.js';
import type { GuestSize } from '../model/overcommit.js';
import type { Role } from '../model/roles.js';
import type { ArgSpec } from './args.js';
import type { AlertService, ApprovalService, AuditReads, FleetReads, JobService } from './services.js';

export type Risk = 'read' | 'change' | 'destructive';

export type { ArgValues, ResolvedTarget, TargetKind } from '../model/request.js';
export type { RunResult } from '../model/view.js';

import type { ArgValues, ResolvedTarget, TargetKind } from '../model/request.js';
import type { RunResult } from '../model/view.js';

/** What a worker-side operation receives. */
export interface RunContext {
  target: ResolvedTarget;
  args: ArgValues;
  driver: Hypervisor;
  progress(pct: number, step: string): void;
  signal: AbortSignal;
  log: Logger;
  user: string;
}

/** What bot-side operations may read and change, for one caller. */
export interface BotServices {
  fleet: FleetReads;
  jobs: JobService;
  alerts: AlertService;
  approvals: ApprovalService;
  audit: AuditReads;
  catalogue: ReadonlyMap<string, OperationDef>;
  /** Host names from the configuration, in order. */
  hostNames: string[];
  now(): number;
  /** Whether the caller may see a host, or a guest on it: reads show only those. */
  visible(host: string, guest?: string): boolean;
  /** Verbs the caller may run, worked out when asked (help lists only those). */
  allowedVerbs(): ReadonlySet<string>;
}

/** What a bot-side operation receives: its request, and the services it may read or change. */
export interface AnswerContext {
  target: ResolvedTarget;
  args: ArgValues;
  user: string;
  /** Where the command was typed, and the user's Slack user groups (for the access policy). */
  channel?: string;
  usergroups?: string[];
  config: Config;
  services: BotServices;
}

/** The current guest and the request's arguments, for the rules an operation declares. */
export interface RuleInput {
  args: ArgValues;
  /** The guest as the inventory shows it (guest operations), when it is there. */
  guest?: Guest;
}

/** What a request takes from its host and gives back, for admission against the overcommit policy. */
export interface HostEffect {
  add: GuestSize;
  remove?: GuestSize;
}

export interface OperationDef {
  name: string;
  summary: string;
  target: TargetKind;
  /** Whether the positional target may be left out (e.g. `help`, `list`). */
  targetOptional?: boolean;
  /** An option that may also be given as a second word (`/vps maintenance kvm-a on`). */
  positionalArg?: string;
  args: Record<string, ArgSpec>;
  /** What it can do to a guest: `read` changes nothing, `destructive` loses data (docs and help). */
  risk: Risk;
  /** The least role that may run it; `anyone` is answered without a role (help). */
  role: Role | 'anyone';
  /** Which of a person's rate limits it counts against. */
  limit: LimitBucket;
  /**
   * What the authorization covers: `guest` (its target guest), `host` (the whole host: every guest
   * on it must be within the grant), or `fleet` (reads whose results are filtered per guest).
   */
  scope: 'guest' | 'host' | 'fleet';
  /**
   * When it waits for an approver (besides the policy's approvals.require): `always`, or a rule
   * that gives the reason for this request ("the resize shrinks the guest"), or none.
   */
  approval?: 'always' | ((r: RuleInput) => string | undefined);
  /** What it takes from its host, checked against the overcommit policy before it is queued. */
  admission?(r: RuleInput): HostEffect | undefined;
  /** Whether a host in maintenance takes it from anyone (reads, and maintenance itself) or only its admins. */
  duringMaintenance: 'anyone' | 'admins';
  /** Whether it may stop the guest in its normal course: the watcher must not report that stop. */
  stopsGuest?: boolean;
  /** Whether it changes guests: the worker publishes the inventory again before reporting done. */
  changesGuests?: boolean;
  /** What the bot must forget once it has answered (a maintenance window started or ended). */
  invalidates?: 'maintenance';
  timeoutMs: number;
  /** Safe to repeat after a failure (retried up to jobs.attempts). */
  retryable: boolean;
  examples?: string[];
  /** Answered by the bot from Redis, without a host. */
  answer?(ctx: AnswerContext): Promise<Answer>;
  /**
   * Normalizes arguments in the bot before signing (e.g. a plan becomes vcpus/memory/disk), so the
   * signed job says exactly what will run.
   */
  prepare?(ctx: { args: ArgValues; given: ReadonlySet<string>; config: Config }): ArgValues;
  /** When present and true for these args, the request goes to the host even though `answer` exists. */
  live?(args: ArgValues): boolean;
  /** Run by the worker of the guest's host. */
  run?(ctx: RunContext): Promise<RunResult>;
}

/** The rate-limit buckets: reads, other commands, and approval decisions. */
export type LimitBucket = 'reads' | 'commands' | 'approvals';

/** Identity function that checks the definition at compile time and its invariants at load time. */
export function defineOperation(def: OperationDef): OperationDef {
  if (!def.answer && !def.run) throw new Error(`operation ${def.name}: needs answer() or run()`);
  if (!/^[a-z]+$/.test(def.name)) throw new Error(`operation ${def.name}: names are lower-case words`);
  if (def.run && def.changesGuests === undefined && def.risk !== 'read')
    throw new Error(`operation ${def.name}: say whether it changes guests (changesGuests)`);
  for (const [key, a] of Object.entries(def.args)) {
    if (a.required && a.defaultValue !== undefined)
      throw new Error(`${def.name}.${key}: required with a default`);
  }
  return def;
}

/** `stop <guest> [force=yes|no] [timeout=DURATION]`, generated from the definition. */
export function usage(def: OperationDef): string {
  const parts = [`/vps ${def.name}`];
  const word = {
    guest: '<guest>',
    'new-guest': '<name>',
    host: '<host>',
    job: '<job-id>',
    request: '<request-id>',
    alert: '<alert>',
    verb: '<verb>',
    none: '',
  }[def.target];
  if (word) parts.push(def.targetOptional ? `[${word}]` : word);
  for (const [key, a] of Object.entries(def.args)) {
    parts.push(a.required ? `${key}=${a.hint}` : `[${key}=${a.hint}]`);
  }
  return parts.join(' ');
}
