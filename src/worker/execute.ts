/**
 * Phase 3, execute: audit the start, mark the guest as ours while the operation runs, run it
 * through the driver with its timeout and the job's cancel signal, throttle its progress to the
 * chat, and publish the inventory again when it may have changed guests. It never throws for the
 * operation's sake: it returns how the operation ended, and the report phase says so.
 */
import type { AuditSink } from '../model/audit.js';
import { OpError, toOpError } from '../model/errors.js';
import type { Hypervisor } from '../model/hypervisor.js';
import { formatDuration } from '../model/units.js';
import type { OperationDef, RunResult } from '../ops/operation.js';
import type { Intents } from './intents.js';
import { auditOf, type JobRun } from './job-run.js';
import { ProgressReporter, type ProgressTiming } from './progress.js';

/** What executing reads and changes. */
export interface ExecuteDeps {
  driver: Hypervisor;
  intents: Intents;
  /** The audit trail: every job's start and end. */
  audit: AuditSink;
  /**
   * Called after every operation that may have changed guests; resolves once the inventory in
   * Redis shows the change, so a read right after "done" is already right.
   */
  onChange(): Promise<void>;
  /** When progress notices start and how often they may follow (defaults 150 ms, 250 ms). */
  progressTiming?: ProgressTiming;
}

/** How an operation ended. */
export type Outcome = Done | Failed;

/** The operation finished with this result. */
export interface Done {
  ok: true;
  result: RunResult;
  startedAt: number;
}

/** The operation failed, timed out or was cancelled; or it never ran (`ran` false). */
export interface Failed {
  ok: false;
  error: OpError;
  startedAt: number;
  /** False when the start could not be audited, so the driver was never called: no end entry, no retry. */
  ran: boolean;
}

/** Runs the operation of an admitted job whose turn has come. */
export async function execute(run: JobRun, d: ExecuteDeps): Promise<Outcome> {
  const startedAt = Date.now();
  try {
    // Nothing runs unaudited: a failed write fails the job before the driver is touched.
    await d.audit.append({ ...auditOf(run.request), at: startedAt, phase: 'start' });
  } catch (err) {
    return { ok: false, error: toOpError(err), startedAt, ran: false };
  }
  const guestId = run.request.target.guestId;
  // While it runs, and for a grace after a stop, the watcher takes the guest's state changes as ours.
  if (guestId) d.intents.begin(guestId);
  try {
    return await runOperation(run, d, startedAt);
  } finally {
    if (guestId) d.intents.end(guestId, run.op.stopsGuest === true);
  }
}

/** The driver call itself, bounded by the operation's timeout and the job's cancel signal. */
async function runOperation(run: JobRun, d: ExecuteDeps, startedAt: number): Promise<Outcome> {
  const { request, op, log } = run;
  const timeout = AbortSignal.timeout(op.timeoutMs);
  const progress = progressOf(run, d, startedAt);
  try {
    log.info('operation started');
    const result = await op.run!({
      target: request.target,
      args: request.args,
      driver: d.driver,
      progress: progress.report,
      signal: AbortSignal.any([run.signal, timeout]),
      log,
      user: request.user,
    });
    progress.close();
    if (op.changesGuests) await d.onChange();
    return { ok: true, result, startedAt };
  } catch (err) {
    progress.close();
    // A failed change may still have changed the guest (half a resize, a stop that took).
    if (op.changesGuests) await d.onChange();
    return { ok: false, error: explain(err, run.signal, timeout, op), startedAt, ran: true };
  }
}

/** Progress goes to the chat (throttled) and to the BullMQ job, so `/vps jobs` sees it too. */
function progressOf(run: JobRun, d: ExecuteDeps, startedAt: number): ProgressReporter {
  return new ProgressReporter(
    async (pct, step) => {
      const extra = { pct, startedAt, attempt: run.attempt, ...(step ? { step } : {}) };
      await Promise.all([run.announce('running', extra), run.job.updateProgress({ pct, step: step ?? '' })]);
    },
    d.progressTiming ?? { firstAfterMs: 150, intervalMs: 250 },
    (err) => run.log.warn({ err }, 'progress notice failed'),
  );
}

/**
 * What a failed run means for the user. The signals say it, not the driver's error: an operation
 * stopped by its timeout usually fails with an abort error that says nothing of time, and a cancel
 * that lands at the same moment as the timeout was still a person's decision.
 */
export function explain(
  err: unknown,
  jobSignal: AbortSignal,
  timeout: AbortSignal,
  op: OperationDef,
): OpError {
  if (timeout.aborted && !jobSignal.aborted) {
    return new OpError(
      'TIMEOUT',
      `${op.name} did not finish within ${formatDuration(op.timeoutMs)} and was stopped.`,
    );
  }
  if (jobSignal.aborted) {
    const by = typeof jobSignal.reason === 'string' ? jobSignal.reason : 'a cancel request';
    return new OpError('CANCELLED', `The operation was cancelled (${by}).`);
  }
  return toOpError(err);
}
