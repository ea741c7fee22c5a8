/** Argument preparation and the Retry button's checks, kept out of the dispatcher's main path. */

import type { Config } from '../config/schema.js';
import { OpError } from '../model/errors.js';
import { admission } from '../model/overcommit.js';
import { type JobRequest, newRequestId } from '../model/request.js';
import { formatSize } from '../model/units.js';
import type { ParsedCommand } from '../ops/grammar.js';
import type { ArgValues, OperationDef } from '../ops/operation.js';
import type { FleetStore } from '../store/fleet.js';
import type { FoundJob, JobStore } from '../store/jobs.js';

/** The operation's own normalization (plans → sizes), then every size checked against `limits`. */
export function prepareArgs(cmd: ParsedCommand, config: Config): ArgValues {
  const args = cmd.op.prepare ? cmd.op.prepare({ args: cmd.args, given: cmd.given, config }) : cmd.args;
  for (const [key, spec] of Object.entries(cmd.op.args)) {
    const v = args[key];
    if (!spec.limit || typeof v !== 'number') continue;
    const { min, max } = config.limits[spec.limit];
    const show = spec.limit === 'vcpus' ? String : formatSize;
    if (v < min || v > max) {
      throw new OpError(
        'BAD_INPUT',
        `${key}=${show(v)} is out of range: the fleet allows ${show(min)} to ${show(max)}.`,
        {
          hint: `Limits are set under limits.${spec.limit} in the config.`,
          field: key,
        },
      );
    }
  }
  return args;
}

/** The failed job behind a Retry click and its operation, or why it cannot be retried. */
export async function retryable(
  deps: { jobs: JobStore; catalogue: ReadonlyMap<string, OperationDef> },
  jobId: string,
): Promise<{ found: FoundJob; op: OperationDef }> {
  const found = await deps.jobs.find(jobId);
  if (!found)
    throw new OpError('JOB_NOT_FOUND', `Job ${jobId} is no longer kept, so it cannot be retried.`, {
      hint: 'Run the command again.',
    });
  const op = deps.catalogue.get(found.job.data.request.op);
  if (!op)
    throw new OpError('BAD_INPUT', `This version of vpsops has no operation "${found.job.data.request.op}".`);
  if (found.state !== 'failed')
    throw new OpError(
      'BAD_INPUT',
      `Job ${jobId} did not fail (it is ${found.state}); there is nothing to retry.`,
    );
  return { found, op };
}

/** The id of the one retry of a failed job; a second click learns which job already retried it. */
export async function claimRetry(jobs: JobStore, jobId: string): Promise<string> {
  const requestId = newRequestId();
  const holder = await jobs.claimRetry(jobId, requestId);
  if (holder !== requestId)
    throw new OpError('BAD_INPUT', `Job ${jobId} was already retried as job ${holder}.`, {
      hint: 'See /vps jobs for how that one went.',
    });
  return requestId;
}

/**
 * Why a create or resize may not go ahead without approval: the host would pass its critical
 * overcommit ratio ("takes vz-1 RAM to 1.32x, policy 1.20x"). Undefined when it is fine, or when
 * the host never registered (nothing to measure against).
 */
export async function admissionProblem(
  deps: { fleet: FleetStore; config: Config },
  op: OperationDef,
  request: JobRequest,
): Promise<string | undefined> {
  if (op.name !== 'create' && op.name !== 'resize') return undefined;
  const [view] = await deps.fleet.hosts([request.host]);
  if (!view?.registration) return undefined;
  const a = request.args as { vcpus?: number; memory?: number; disk?: number };
  const group = deps.config.hosts[request.host]?.group ?? 'default';
  const input = {
    host: request.host,
    group,
    registration: view.registration,
    inventory: view.inventory,
    config: deps.config,
  };
  if (op.name === 'create') {
    const r = admission({
      ...input,
      add: { vcpus: a.vcpus ?? 0, memoryBytes: a.memory ?? 0, diskBytes: a.disk ?? 0 },
    });
    return r.ok ? undefined : r.message;
  }
  const g = view.inventory?.guests.find((x) => x.id === request.target.guestId);
  if (!g) return undefined;
  const now = { vcpus: g.vcpus, memoryBytes: g.memoryBytes, diskBytes: g.diskBytes };
  const next = {
    vcpus: a.vcpus ?? g.vcpus,
    memoryBytes: a.memory ?? g.memoryBytes,
    diskBytes: a.disk ?? g.diskBytes,
  };
  const r = admission({ ...input, add: next, remove: now });
  return r.ok ? undefined : r.message;
}
