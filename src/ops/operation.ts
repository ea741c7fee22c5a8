/**
 * The shape of one operation in the catalogue (jobs/). The bot reads it to parse, validate, render
 * help and decide where it runs; the worker reads it to run.
 */
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { Hypervisor } from '../model/hypervisor.js';
import type { Reply } from '../model/reply.js';
import type { ArgSpec } from './args.js';

export type Risk = 'read' | 'change' | 'destructive';

/**
 * What the positional word after the verb names:
 * guest (an existing guest), new-guest (a name to create), host, job (a job id), verb (help), none.
 */
export type TargetKind = 'guest' | 'new-guest' | 'host' | 'job' | 'verb' | 'none';

export type ArgValues = Record<string, unknown>;

/** The guest or host a request is about, resolved by the bot. */
export interface ResolvedTarget {
  kind: TargetKind;
  host?: string;
  guestId?: string;
  guestName?: string;
  /** The raw word (job id, verb, new guest name). */
  word?: string;
}

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

/** What a worker-side operation returns: one sentence, optional fields and data for rendering. */
export interface RunResult {
  summary: string;
  fields?: Record<string, string>;
  /** Structured output (e.g. guests, snapshots) that the bot renders. */
  data?: unknown;
}

/** Bot-side services an operation that answers from Redis may use (see core/dispatcher.ts). */
export interface AnswerContext {
  target: ResolvedTarget;
  args: ArgValues;
  user: string;
  /** Where the command was typed, and the user's Slack user groups (for the access policy). */
  channel?: string;
  usergroups?: string[];
  config: Config;
  services: import('./services.js').BotServices;
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
  risk: Risk;
  timeoutMs: number;
  /** Safe to repeat after a failure (retried up to jobs.attempts). */
  retryable: boolean;
  examples?: string[];
  /** Answered by the bot from Redis, without a host. */
  answer?(ctx: AnswerContext): Promise<Reply>;
  /**
   * Normalizes arguments in the bot before signing (e.g. a plan becomes vcpus/memory/disk), so the
   * signed job says exactly what will run.
   */
  prepare?(ctx: { args: ArgValues; given: ReadonlySet<string>; config: Config }): ArgValues;
  /** When present and true for these args, the request goes to the host even though `answer` exists. */
  live?(args: ArgValues): boolean;
  /** Run by the worker of the guest's host. */
  run?(ctx: RunContext): Promise<RunResult>;
  /** Renders a worker result for chat (defaults to summary + fields). */
  render?(result: RunResult): import('../chat/view/blocks.js').Block[];
}

/** Identity function that checks the definition at compile time and its invariants at load time. */
export function defineOperation(def: OperationDef): OperationDef {
  if (!def.answer && !def.run) throw new Error(`operation ${def.name}: needs answer() or run()`);
  if (!/^[a-z]+$/.test(def.name)) throw new Error(`operation ${def.name}: names are lower-case words`);
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
    verb: '<verb>',
    none: '',
  }[def.target];
  if (word) parts.push(def.targetOptional ? `[${word}]` : word);
  for (const [key, a] of Object.entries(def.args)) {
    parts.push(a.required ? `${key}=${a.hint}` : `[${key}=${a.hint}]`);
  }
  return parts.join(' ');
}
