/**
 * Phase 4, report: tell the chat how the job ended (done, retrying, failed or cancelled), write the
 * end of the job to the audit trail, and give BullMQ its outcome: the result, a plain Error when
 * another attempt can help, or an UnrecoverableError when none can. Either error carries the
 * failure in the one codec (model/failure.ts), which is what readers of the queue decode.
 */
import { UnrecoverableError } from 'bullmq';
import type { AuditSink, JobEntry } from '../model/audit.js';
import { type OpError, toOpError } from '../model/errors.js';
import { encodeFailure } from '../model/failure.js';
import type { JobPhase } from '../model/notice.js';
import type { RunResult } from '../ops/operation.js';
import type { Failed, Outcome } from './execute.js';
import { auditOf, type JobRun } from './job-run.js';

/** What reporting writes besides notices. */
export interface ReportDeps {
  audit: AuditSink;
}

/** Reports the outcome; resolves with the result of a done job, throws the BullMQ error of any other. */
export async function report(run: JobRun, outcome: Outcome, d: ReportDeps): Promise<RunResult> {
  const ended = outcome.ok ? await announceDone(run, outcome) : outcome;
  try {
    if (ended.ok) return ended.result;
    throw await announceFailure(run, ended);
  } finally {
    if (ended.ok || ended.ran) await recordEnd(run, ended, d.audit);
  }
}

/** How a failure is reported: whether BullMQ should try again, and the phase the chat shows. */
export function failurePhase(
  e: OpError,
  run: Pick<JobRun, 'op' | 'attempt' | 'attempts'>,
  ran: boolean,
): { phase: JobPhase; retry: boolean } {
  // Only a run that reached the driver, of an operation safe to repeat, for an error a retry can cure.
  const retry = ran && run.op.retryable && e.retryable && run.attempt < run.attempts;
  return { phase: retry ? 'retrying' : e.code === 'CANCELLED' ? 'cancelled' : 'failed', retry };
}

/**
 * The done notice. When it cannot be sent the job is reported as failed instead: BullMQ must not
 * record a success the chat never heard of.
 */
async function announceDone(run: JobRun, o: Outcome & { ok: true }): Promise<Outcome> {
  try {
    await run.announce('done', { pct: 100, result: o.result, startedAt: o.startedAt });
    run.log.info({ ms: Date.now() - o.startedAt }, 'operation done');
    return o;
  } catch (err) {
    return { ok: false, error: toOpError(err), startedAt: o.startedAt, ran: true };
  }
}

/** Logs and announces a failure; returns the error that tells BullMQ whether to retry. */
async function announceFailure(run: JobRun, o: Failed): Promise<Error> {
  const e = o.error;
  const { phase, retry } = failurePhase(e, run, o.ran);
  run.log[e.code === 'INTERNAL' ? 'error' : 'info'](
    { err: e.cause ?? e, code: e.code, retry },
    'operation failed',
  );
  await run.announce(phase, {
    error: e.toJSON(),
    startedAt: o.startedAt,
    attempt: run.attempt,
    ...(phase === 'cancelled' ? { step: e.userMessage } : {}),
  });
  const reason = encodeFailure(e);
  return retry ? new Error(reason) : new UnrecoverableError(reason);
}

/** The end of the job in the audit trail; a failed write is logged, never the job's failure. */
async function recordEnd(run: JobRun, o: Outcome, audit: AuditSink): Promise<void> {
  const now = Date.now();
  const end: JobEntry = {
    ...auditOf(run.request),
    at: now,
    phase: 'end',
    result: o.ok ? 'done' : o.error.code === 'CANCELLED' ? 'cancelled' : 'failed',
    durationMs: now - o.startedAt,
  };
  if (!o.ok && o.error.userMessage) end.error = o.error.userMessage;
  await audit
    .append(end)
    .catch((err: unknown) => run.log.error({ err }, 'could not write the end of the job to the audit trail'));
}
