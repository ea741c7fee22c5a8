/**
 * The exit statuses of every vpsops subcommand, in one table. 1–4 say what became of the command;
 * 64 and up (after sysexits.h) say that vpsops could not run it, so a script can tell "the stop
 * failed" from "vpsops is misconfigured" without reading the text.
 */
import { type ErrorCode, OpError } from '../model/errors.js';

/** Every exit status, by name. */
export const EXIT = {
  OK: 0,
  FAILED: 1,
  REFUSED: 2,
  TIMEOUT: 3,
  PENDING: 4,
  USAGE: 64,
  UNAVAILABLE: 69,
  SOFTWARE: 70,
  CONFIG: 78,
} as const;

/** The name of an exit status (`EXIT[name]` is the number). */
export type ExitName = keyof typeof EXIT;

/** What each status means; the help texts and the README's "Exit status" table say the same. */
export const EXIT_MEANING: Readonly<Record<ExitName, string>> = {
  OK: 'ok: the command was done or answered (or queued, with --no-wait)',
  FAILED: 'the command ran and failed, or was cancelled',
  REFUSED: 'refused before anything ran: bad chat input, unknown guest or host, not allowed, rate-limited',
  TIMEOUT: 'no outcome within --timeout; the job goes on (see /vps jobs)',
  PENDING: 'waiting for approval; it runs once an approver approves the printed request id',
  USAGE: 'usage error: unknown subcommand or option, a missing option value or argument',
  UNAVAILABLE: 'a service vpsops needs does not answer: Redis, or the hypervisor tools of the host',
  SOFTWARE: 'an unexpected failure inside vpsops (a bug); the details are in its log',
  CONFIG: 'misconfigured: bad config file or environment, VPSOPS_JOB_KEY or a Slack token missing or refused',
};

/**
 * The status an error ends a subcommand with, by its code. A Record, so a new code cannot be
 * added without deciding whether it means "refused", "failed" or "vpsops cannot run".
 */
const BY_CODE: Readonly<Record<ErrorCode, ExitName>> = {
  BAD_INPUT: 'REFUSED',
  GUEST_NOT_FOUND: 'REFUSED',
  HOST_NOT_FOUND: 'REFUSED',
  JOB_NOT_FOUND: 'REFUSED',
  DENIED: 'REFUSED',
  RATE_LIMITED: 'REFUSED',
  APPROVAL: 'REFUSED',
  ALREADY_RUNNING: 'FAILED',
  NOT_RUNNING: 'FAILED',
  ALREADY_EXISTS: 'FAILED',
  LOCKED: 'FAILED',
  TIMEOUT: 'FAILED',
  CANCELLED: 'FAILED',
  UNSUPPORTED: 'FAILED',
  TEMPLATE_NOT_FOUND: 'FAILED',
  SNAPSHOT_NOT_FOUND: 'FAILED',
  NO_SPACE: 'FAILED',
  RESOURCES: 'FAILED',
  SIGNATURE: 'FAILED',
  HOST_DOWN: 'UNAVAILABLE',
  HYPERVISOR: 'UNAVAILABLE',
  CONFIG: 'CONFIG',
  INTERNAL: 'SOFTWARE',
};

/** Statuses that say vpsops itself could not run, whatever the command was. */
const CANNOT_RUN: ReadonlySet<ExitName> = new Set(['USAGE', 'UNAVAILABLE', 'SOFTWARE', 'CONFIG']);

/**
 * A failure of the command line rather than of an operation: a usage error, a service that does
 * not answer. `command` names the subcommand in the message (`vpsops exec: …`); `usage` is shown
 * under it.
 */
export class CliError extends Error {
  constructor(
    readonly exit: ExitName,
    message: string,
    readonly command?: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** A usage error of one subcommand (or of `vpsops` itself when `command` is undefined). */
export function usageError(command: string | undefined, message: string): CliError {
  return new CliError('USAGE', message, command);
}

/** The status an error ends a subcommand with: CliError by its kind, OpError by its code, else a bug. */
export function exitNameFor(err: unknown): ExitName {
  if (err instanceof CliError) return err.exit;
  if (err instanceof OpError) return BY_CODE[err.code];
  return 'SOFTWARE';
}

/**
 * The status of a command vpsops refused with `code`: REFUSED, unless the code says vpsops could
 * not run at all (its configuration, a service, a bug).
 */
export function refusalExit(code: ErrorCode | undefined): ExitName {
  const name = code ? BY_CODE[code] : 'SOFTWARE';
  return CANNOT_RUN.has(name) ? name : 'REFUSED';
}

/**
 * An "Exit status:" block for a help text: the given statuses in order, each with the table's
 * meaning or the subcommand's own wording of it.
 */
export function exitStatusHelp(entries: readonly (ExitName | readonly [ExitName, string])[]): string {
  const rows = entries.map((e) => (typeof e === 'string' ? ([e, EXIT_MEANING[e]] as const) : e));
  const lines = rows
    .sort(([a], [b]) => EXIT[a] - EXIT[b])
    .map(([name, meaning]) => `  ${String(EXIT[name]).padEnd(3)} ${meaning}`);
  return ['Exit status:', ...lines].join('\n');
}
