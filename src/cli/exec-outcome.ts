/**
 * What one `vpsops exec` came to, as data: the object `--json` prints, and the exit status that
 * goes with it. Kept apart from the waiting so its shape can be tested and documented on its own.
 */
import { type ErrorCode, OpError } from '../model/errors.js';
import type { Reply } from '../model/outcome.js';
import type { RunResult } from '../ops/operation.js';
import { EXIT, type ExitName, refusalExit } from './exit-codes.js';

/** What became of the command. */
export type ExecStatus =
  | 'answered'
  | 'queued'
  | 'done'
  | 'failed'
  | 'cancelled'
  | 'refused'
  | 'waiting-approval'
  | 'timeout';

/** The error of a refused, failed or cancelled command: its stable code and its sentence. */
export interface ExecError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
}

/**
 * The `vpsops exec --json` object. Every key but `result` and `error` is always present; new keys
 * may be added, existing ones keep their meaning.
 */
export interface ExecOutcome {
  /** True exactly when the exit status is 0. */
  ok: boolean;
  status: ExecStatus;
  /** The process's exit status (see exit-codes.ts). */
  exitCode: number;
  /** The job's or the approval request's id; null when the command was answered or refused. */
  requestId: string | null;
  /** The host the job was queued for; null when no job was queued. */
  host: string | null;
  /** Exactly what `vpsops exec` prints without --json: the reply, then the job's outcome. */
  text: string;
  /** status "done": what the operation returned (summary, fields, data). */
  result?: RunResult;
  /** status "refused", "failed" or "cancelled": why. */
  error?: ExecError;
}

/** How a job that was waited for ended (the part of the outcome that the wait adds). */
export interface JobEnd {
  status: 'done' | 'failed' | 'cancelled' | 'timeout';
  text: string;
  result?: RunResult;
  error?: ExecError;
}

const EXIT_OF: Readonly<Record<Exclude<ExecStatus, 'refused'>, ExitName>> = {
  answered: 'OK',
  queued: 'OK',
  done: 'OK',
  failed: 'FAILED',
  cancelled: 'FAILED',
  'waiting-approval': 'PENDING',
  timeout: 'TIMEOUT',
};

/** The outcome of a command from the pipeline's reply and, when a job was waited for, its end. */
export function execOutcome(reply: Reply, replyText: string, end?: JobEnd): ExecOutcome {
  const status: ExecStatus = !reply.ok
    ? 'refused'
    : reply.approvalId
      ? 'waiting-approval'
      : end
        ? end.status
        : reply.jobId
          ? 'queued'
          : 'answered';
  const exit = status === 'refused' ? refusalExit(reply.code) : EXIT_OF[status];
  const error: ExecError | undefined =
    status === 'refused' ? refusal(reply) : end?.error ? pick(end.error) : undefined;
  return {
    ok: EXIT[exit] === 0,
    status,
    exitCode: EXIT[exit],
    requestId: reply.jobId ?? reply.approvalId ?? null,
    host: reply.jobId ? (reply.host ?? null) : null,
    text: end ? `${replyText}\n${end.text}` : replyText,
    ...(end?.result ? { result: end.result } : {}),
    ...(error ? { error } : {}),
  };
}

/** A refusal's reply carries its code and sentence; whether a retry helps is the code's default. */
function refusal(reply: Reply): ExecError {
  return pick(new OpError(reply.code ?? 'INTERNAL', reply.text));
}

/** The documented keys only: a serialized error also carries detail and hint for logs. */
function pick(e: ExecError): ExecError {
  return { code: e.code, message: e.message, retryable: e.retryable };
}
