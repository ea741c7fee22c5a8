/**
 * What the phases of one job share once it is admitted: the request and its operation, the job's
 * own logger, its cancel signal, and a way to tell the chat how it is doing.
 */
import type { Job } from 'bullmq';
import type { Logger } from '../log.js';
import type { JobEntry } from '../model/audit.js';
import type { JobNotice, JobPhase, Notice } from '../model/notice.js';
import type { JobRequest, SignedJob } from '../model/request.js';
import type { OperationDef } from '../ops/operation.js';

/** Publishes one notice about this job on the notify queue: its phase and what changed. */
export type Announce = (phase: JobPhase, extra?: Partial<JobNotice>) => Promise<void>;

/** Where notices go (the notify queue's publisher). */
export interface NoticeSink {
  publish(notice: Notice): Promise<void>;
}

/** One admitted job on its way through the phases. */
export interface JobRun {
  job: Job<SignedJob>;
  request: JobRequest;
  op: OperationDef;
  /** A child logger carrying job id, operation, guest and user. */
  log: Logger;
  /** Aborted when a cancel for this job arrives while it waits or runs. */
  signal: AbortSignal;
  /** This attempt, from 1. */
  attempt: number;
  /** How many attempts the job may have (BullMQ's `attempts`, 1 when unset). */
  attempts: number;
  announce: Announce;
}

/** The run of an admitted job; without a signal from BullMQ the job simply cannot be cancelled. */
export function startRun(
  job: Job<SignedJob>,
  admitted: { request: JobRequest; op: OperationDef },
  d: { log: Logger; notify: NoticeSink },
  signal?: AbortSignal,
): JobRun {
  const { request, op } = admitted;
  return {
    job,
    request,
    op,
    log: d.log.child({ jobId: job.id, op: op.name, guest: request.target.guestId, user: request.user }),
    signal: signal ?? new AbortController().signal,
    attempt: job.attemptsMade + 1,
    attempts: job.opts.attempts ?? 1,
    announce: announcer(d.notify, request),
  };
}

/** Notices about one request, each carrying what the chat needs to find and label its message. */
export function announcer(notify: NoticeSink, r: JobRequest): Announce {
  return (phase, extra = {}) =>
    notify.publish({
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

/** The fields every audit entry of this job shares (its start and its end). */
export function auditOf(r: JobRequest): Omit<JobEntry, 'at' | 'phase'> {
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
