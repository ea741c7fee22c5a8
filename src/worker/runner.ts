/**
 * Runs one job in four phases: admit (signature, routing, age, approval), wait for turn (the
 * guest's lock, then a running slot), execute (the operation through the driver, with its timeout
 * and the job's cancel signal) and report (notices, the audit end, BullMQ's outcome).
 */
import type { Job } from 'bullmq';
import type { SignedJob } from '../model/request.js';
import type { RunResult } from '../ops/operation.js';
import type { NotifyPublisher } from '../store/notify.js';
import { type AdmitDeps, admit } from './admit.js';
import { type ExecuteDeps, execute } from './execute.js';
import { startRun } from './job-run.js';
import { type ReportDeps, report } from './report.js';
import { type TurnDeps, waitForTurn } from './turn.js';

/** Everything the phases read: each phase's own dependencies, and where notices go. */
export interface RunnerDeps extends AdmitDeps, TurnDeps, ExecuteDeps, ReportDeps {
  notify: NotifyPublisher;
}

/** The BullMQ processor of a host's queue. */
export class JobRunner {
  constructor(private readonly d: RunnerDeps) {}

  /** Admits, waits, executes and reports one job; a refused or cancelled job fails for good. */
  process = async (job: Job<SignedJob>, _token?: string, signal?: AbortSignal): Promise<RunResult> => {
    const run = startRun(job, await admit(job, this.d), this.d, signal);
    const turn = await waitForTurn(run, this.d);
    try {
      return await report(run, await execute(run, this.d), this.d);
    } finally {
      // After the audit end, so one guest's entries never interleave with the next job's.
      turn.release();
    }
  };
}
