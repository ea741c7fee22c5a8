/**
 * Phase 1, admit: a worker runs only jobs signed with the job key, queued under the id they were
 * signed with, meant for its host, of an operation it can run, recent, and, where an approval is
 * needed or carried, exactly what was approved. Anything else is refused for good and logged as a
 * security event: it means someone wrote to Redis who should not have, or a bot is misconfigured.
 */
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from '../log.js';
import { type ApprovalRecord, requestHash } from '../model/approval.js';
import { OpError } from '../model/errors.js';
import { encodeFailure } from '../model/failure.js';
import type { JobRequest, SignedJob } from '../model/request.js';
import { verify } from '../model/signing.js';
import type { OperationDef } from '../ops/operation.js';

/** What admission reads. */
export interface AdmitDeps {
  host: string;
  jobKey: string;
  catalogue: ReadonlyMap<string, OperationDef>;
  /** Signed jobs older than this are refused (replays of old requests). */
  maxAgeMs: number;
  /** Approval requests, to check that an approved job is exactly what was approved. */
  approvals: { get(id: string): Promise<ApprovalRecord | undefined> };
  log: Logger;
}

/** A job that may run, with the operation that runs it. */
export interface Admitted {
  request: JobRequest;
  op: OperationDef;
}

/** Admits the job, or refuses it for good (UnrecoverableError with a SIGNATURE failure). */
export async function admit(job: Job<SignedJob>, d: AdmitDeps): Promise<Admitted> {
  const problem = jobProblem(job.id, job.data, d);
  if (problem) refuse(job, problem, d);
  const { request } = job.data;
  const op = d.catalogue.get(request.op)!;
  const why = await approvalProblem(request, op, d.approvals);
  if (why) refuse(job, why, d);
  return { request, op };
}

/**
 * Why a job is unsigned, altered, misrouted, unknown or too old, or undefined when it is none of
 * these. The signature is checked first: nothing else in an unsigned job can be believed.
 */
export function jobProblem(
  jobId: string | undefined,
  data: unknown,
  d: Pick<AdmitDeps, 'host' | 'jobKey' | 'catalogue' | 'maxAgeMs'>,
  now = Date.now(),
): string | undefined {
  if (!verify(data, d.jobKey)) return 'its signature is missing or does not match its content';
  const { request } = data;
  if (request.id !== jobId) return `it was signed as ${request.id} but queued as ${jobId}`;
  if (request.host !== d.host) return `it is for host ${request.host}, not ${d.host}`;
  if (!d.catalogue.get(request.op)?.run) return `this worker has no operation "${request.op}"`;
  if (now - request.issuedAt > d.maxAgeMs)
    return `it was issued at ${new Date(request.issuedAt).toISOString()}, longer ago than jobs.maxAge`;
  return undefined;
}

/**
 * Why an approval check fails, or undefined when it passes. An operation that always needs an
 * approval runs only with one; an approved job only if it is exactly the request that was
 * approved: the approval must say approved, and its hash, the hash the job was signed with and
 * the hash of the job's own request must all be the same.
 */
export async function approvalProblem(
  request: JobRequest,
  op: OperationDef,
  approvals: AdmitDeps['approvals'],
): Promise<string | undefined> {
  const a = request.approval;
  if (!a)
    return op.approval === 'always' ? `${op.name} needs an approval and the job carries none` : undefined;
  const rec = await approvals.get(a.id);
  if (!rec) return `its approval ${a.id} does not exist`;
  if (rec.status !== 'approved') return `its approval ${a.id} is ${rec.status}, not approved`;
  if (rec.hash !== a.hash || requestHash(request) !== rec.hash)
    return `it is not the request that approval ${a.id} approved`;
  return undefined;
}

/** Refuses a job for good and logs it as a security event. */
function refuse(job: Job<SignedJob>, why: string, d: Pick<AdmitDeps, 'host' | 'log'>): never {
  d.log.warn({ security: true, jobId: job.id, host: d.host, why }, 'refused job');
  throw new UnrecoverableError(encodeFailure(new OpError('SIGNATURE', `The job was refused: ${why}.`)));
}
