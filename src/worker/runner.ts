/**
 * Runs one job: verify its signature, wait for the guest, run the operation with a timeout and
 * the job's AbortSignal, and report running / progress / outcome on the notify queue.
 */
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from '../log.js';
import type { AuditSink } from '../model/audit.js';
import { OpError, toOpError } from '../model/errors.js';
import { encodeFailure } from '../model/failure.js';
import type { Hypervisor } from '../model/hypervisor.js';
import type { JobRequest, SignedJob } from '../model/request.js';
import { verify } from '../model/signing.js';
import { formatDuration } from '../model/units.js';
import type { OperationDef, RunResult } from '../ops/operation.js';
import { type ApprovalRecord, requestHash } from '../store/approvals.js';
import type { JobEntry } from '../store/audit.js';
import type { JobNotice, JobPhase, NotifyPublisher } from '../store/notify.js';
import type { Intents } from './intents.js';
import type { GuestLocks, Semaphore } from './locks.js';
import { ProgressReporter, type ProgressTiming } from './progress.js';

export interface RunnerDeps {
  host: string;
  driver: Hypervisor;
  catalogue: ReadonlyMap<string, OperationDef>;
  jobKey: string;
  notify: NotifyPublisher;
  log: Logger;
  locks: GuestLocks;
  slots: Semaphore;
  intents: Intents;
  /**
   * Called after every operation that may have changed guests; resolves once the inventory in
   * Redis shows the change, so a read right after "done" is already right.
   */
  onChange(): Promise<void>;
  /** Whether a cancel for this job id arrived before the job started here. */
  cancelledEarly(id: string): boolean;
  /** Signed jobs older than this are refused (replays of old requests). */
  maxAgeMs: number;
  /** When progress notices start and how often they may follow (defaults 150 ms, 250 ms). */
  progressTiming?: ProgressTiming;
  /** Approval requests, to check that an approved job is exactly what was approved. */
  approvals: { get(id: string): Promise<ApprovalRecord | undefined> };
  /** The audit trail: every job's start and end. */
  audit: AuditSink;
}

export class JobRunner {
  constructor(private readonly d: RunnerDeps) {}

  /** The BullMQ processor. */
  process = async (job: Job<SignedJob>, _token?: string, signal?: AbortSignal): Promise<RunResult> => {
    const request = this.admit(job);
    const op = this.d.catalogue.get(request.op)!;
    await this.checkApproval(job, request, op);
    const log = this.d.log.child({
      jobId: job.id,
      op: op.name,
      guest: request.target.guestId,
      user: request.user,
    });
    const jobSignal = signal ?? new AbortController().signal;
    const notice = (phase: JobPhase, extra: Partial<JobNotice> = {}) => this.publish(request, phase, extra);
    if (this.d.cancelledEarly(request.id)) {
      await notice('cancelled', { step: 'cancelled before it started' });
      throw new UnrecoverableError(encodeFailure(new OpError('CANCELLED', 'The job was cancelled.')));
    }
    const lockKey = request.target.guestId ?? request.target.word ?? `host:${op.name}`;
    const [releaseGuest, releaseSlot] = await this.waitForTurn(lockKey, jobSignal, notice);
    const startedAt = Date.now();
    const timeout = AbortSignal.timeout(op.timeoutMs);
    const attempt = job.attemptsMade + 1;
    const progress = new ProgressReporter(
      async (pct, step) => {
        const extra = { pct, startedAt, attempt, ...(step ? { step } : {}) };
        await Promise.all([notice('running', extra), job.updateProgress({ pct, step: step ?? '' })]);
      },
      this.d.progressTiming ?? { firstAfterMs: 150, intervalMs: 250 },
      (err) => log.warn({ err }, 'progress notice failed'),
    );
    const audit = auditOf(request);
    try {
      // Nothing runs unaudited: a failed write fails the job before the driver is touched.
      await this.d.audit.append({ ...audit, at: startedAt, phase: 'start' });
    } catch (err) {
      releaseSlot();
      releaseGuest();
      throw await this.failed(job, op, request, toOpError(err), startedAt, log, false);
    }
    let outcome: JobEntry['result'] = 'failed';
    let error: string | undefined;
    if (request.target.guestId) this.d.intents.begin(request.target.guestId);
    try {
      log.info('operation started');
      const result = await op.run!({
        target: request.target,
        args: request.args,
        driver: this.d.driver,
        progress: progress.report,
        signal: AbortSignal.any([jobSignal, timeout]),
        log,
        user: request.user,
      });
      progress.close();
      if (op.changesGuests) await this.d.onChange();
      await notice('done', { pct: 100, result, startedAt });
      log.info({ ms: Date.now() - startedAt }, 'operation done');
      outcome = 'done';
      return result;
    } catch (err) {
      progress.close();
      if (op.changesGuests) await this.d.onChange();
      const e = this.explain(err, jobSignal, timeout, op);
      if (e.code === 'CANCELLED') outcome = 'cancelled';
      error = e.userMessage;
      throw await this.failed(job, op, request, e, startedAt, log);
    } finally {
      if (request.target.guestId) this.d.intents.end(request.target.guestId, op.stopsGuest === true);
      releaseSlot();
      releaseGuest();
      const end = {
        ...audit,
        at: Date.now(),
        phase: 'end' as const,
        result: outcome,
        durationMs: Date.now() - startedAt,
      };
      await this.d.audit
        .append(error ? { ...end, error } : end)
        .catch((err: unknown) => log.error({ err }, 'could not write the end of the job to the audit trail'));
    }
  };

  /**
   * A destructive operation runs only with an approval, and an approved job only if it is exactly
   * the request that was approved: the approval must say approved, and its hash, the hash the job
   * was signed with and the hash of the job's own request must all be the same.
   */
  private async checkApproval(job: Job<SignedJob>, request: JobRequest, op: OperationDef): Promise<void> {
    const a = request.approval;
    if (!a) {
      if (op.approval === 'always') this.refuse(job, `${op.name} needs an approval and the job carries none`);
      return;
    }
    const rec = await this.d.approvals.get(a.id);
    if (!rec) return this.refuse(job, `its approval ${a.id} does not exist`);
    if (rec.status !== 'approved')
      return this.refuse(job, `its approval ${a.id} is ${rec.status}, not approved`);
    if (rec.hash !== a.hash || requestHash(request) !== rec.hash)
      this.refuse(job, `it is not the request that approval ${a.id} approved`);
  }

  /**
   * Takes the guest's lock, then a running slot. A cancel while waiting ends the job for good
   * (reported as cancelled), so a retry can never run it later.
   */
  private async waitForTurn(
    key: string,
    signal: AbortSignal,
    notice: (phase: JobPhase, extra?: Partial<JobNotice>) => Promise<void>,
  ): Promise<[() => void, () => void]> {
    let releaseGuest: (() => void) | undefined;
    try {
      // Say why a job waits, so its message shows it: a busy guest, or its place in line.
      if (this.d.locks.busy(key))
        await notice('queued', { step: 'waiting for another operation on this guest' });
      releaseGuest = await this.d.locks.acquire(key, signal);
      const place = this.d.slots.placeInLine;
      if (place > 0) await notice('queued', { position: place });
      return [releaseGuest, await this.d.slots.acquire(signal)];
    } catch (err) {
      releaseGuest?.();
      if (!signal.aborted) throw err;
      const by = typeof signal.reason === 'string' ? signal.reason : 'a cancel request';
      const e = new OpError('CANCELLED', `The operation was cancelled before it started (${by}).`);
      await notice('cancelled', { step: `${by} before it started`, error: e.toJSON() });
      throw new UnrecoverableError(encodeFailure(e));
    }
  }

  /** Refuses a job for good and logs it as a security event. */
  private refuse(job: Job<SignedJob>, why: string): never {
    this.d.log.warn({ security: true, jobId: job.id, host: this.d.host, why }, 'refused job');
    throw new UnrecoverableError(encodeFailure(new OpError('SIGNATURE', `The job was refused: ${why}.`)));
  }

  /** Refuses unsigned, altered, misrouted or unknown jobs; logs them as security events. */
  private admit(job: Job<SignedJob>): JobRequest {
    const refuse = (why: string): never => this.refuse(job, why);
    if (!verify(job.data, this.d.jobKey))
      return refuse('its signature is missing or does not match its content');
    const { request } = job.data;
    if (request.id !== job.id) return refuse(`it was signed as ${request.id} but queued as ${job.id}`);
    if (request.host !== this.d.host) return refuse(`it is for host ${request.host}, not ${this.d.host}`);
    if (!this.d.catalogue.get(request.op)?.run) return refuse(`this worker has no operation "${request.op}"`);
    if (Date.now() - request.issuedAt > this.d.maxAgeMs) {
      return refuse(
        `it was issued at ${new Date(request.issuedAt).toISOString()}, longer ago than jobs.maxAge`,
      );
    }
    return request;
  }

  private explain(err: unknown, jobSignal: AbortSignal, timeout: AbortSignal, op: OperationDef): OpError {
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

  private async failed(
    job: Job<SignedJob>,
    op: OperationDef,
    request: JobRequest,
    e: OpError,
    startedAt: number,
    log: Logger,
    mayRetry = true,
  ) {
    const attempts = job.opts.attempts ?? 1;
    const last = job.attemptsMade + 1 >= attempts;
    const retry = mayRetry && op.retryable && e.retryable && !last;
    log[e.code === 'INTERNAL' ? 'error' : 'info'](
      { err: e.cause ?? e, code: e.code, retry },
      'operation failed',
    );
    const phase: JobPhase = retry ? 'retrying' : e.code === 'CANCELLED' ? 'cancelled' : 'failed';
    await this.publish(request, phase, {
      error: e.toJSON(),
      startedAt,
      attempt: job.attemptsMade + 1,
      ...(phase === 'cancelled' ? { step: e.userMessage } : {}),
    });
    const message = encodeFailure(e);
    return retry ? new Error(message) : new UnrecoverableError(message);
  }

  private async publish(r: JobRequest, phase: JobPhase, extra: Partial<JobNotice>): Promise<void> {
    await this.d.notify.publish({
      kind: 'job',
      requestId: r.id,
      host: r.host,
      op: r.op,
      target: r.target,
      user: r.user,
      origin: r.origin,
      phase,
      at: Date.now(),
      ...(r.channel ? { channel: r.channel } : {}),
      ...extra,
    });
  }
}

/** The fields every audit entry of this job shares. */
function auditOf(r: JobRequest): Omit<JobEntry, 'at' | 'phase'> {
  const target = r.target.guestName ?? r.target.word;
  return {
    type: 'job',
    requestId: r.id,
    host: r.host,
    op: r.op,
    user: r.user,
    ...(target ? { target } : {}),
    ...(r.approval ? { approvalId: r.approval.id } : {}),
  };
}
