/** Builds a signed request and puts it on its host's queue; the queued job's first message. */
import { type Block, context } from '../chat/view/blocks.js';
import { type JobView, jobBlocks } from '../chat/view/job-message.js';
import { OpError } from '../model/errors.js';
import type { Reply } from '../model/reply.js';
import { type JobRequest, newRequestId } from '../model/request.js';
import { sign } from '../model/signing.js';
import type { ArgValues, OperationDef, ResolvedTarget } from '../ops/operation.js';
import type { FleetStore } from '../store/fleet.js';
import type { JobStore } from '../store/jobs.js';

export interface RequestInput {
  user: string;
  channel?: string;
  origin: string;
  requestId?: string;
}

export function buildRequest(
  input: RequestInput,
  op: OperationDef,
  target: ResolvedTarget,
  args: ArgValues,
  now: number,
): JobRequest {
  const host = target.host;
  if (!host) throw new OpError('INTERNAL', `${op.name}: no host resolved`);
  return {
    v: 1,
    id: input.requestId ?? newRequestId(),
    op: op.name,
    host,
    target,
    args,
    user: input.user,
    origin: input.origin,
    issuedAt: now,
    ...(input.channel ? { channel: input.channel } : {}),
  };
}

/** Signs and enqueues; the reply is the job's queued message. */
export async function submit(
  deps: { jobs: JobStore; fleet: FleetStore; jobKey: string },
  request: JobRequest,
  op: OperationDef,
): Promise<Reply> {
  // The liveness check rides along with the add, so it costs the ack no extra time.
  const [, up] = await Promise.all([
    deps.jobs.enqueue(sign(request, deps.jobKey), op),
    deps.fleet.isUp(request.host),
  ]);
  const view: JobView = {
    requestId: request.id,
    op: op.name,
    host: request.host,
    targetLabel: targetLabel(request.target),
    user: request.user,
    phase: 'queued',
    pct: 0,
  };
  return {
    ok: true,
    ephemeral: false,
    text: `${op.name} queued as job ${request.id}`,
    blocks: queuedBlocks(view, up),
    job: { view, hostUp: up, ...(request.channel ? { channel: request.channel } : {}) },
    jobId: request.id,
    host: request.host,
  };
}

/** A queued job's message; a host that is not reporting gets a warning under the status line. */
export function queuedBlocks(view: JobView, hostUp: boolean): Block[] {
  const blocks = jobBlocks(view);
  if (!hostUp)
    blocks.splice(
      1,
      0,
      context(`⚠️ ${view.host} is not reporting; the job runs when its worker is back (see /vps hosts).`),
    );
  return blocks;
}

/** `web-1 (101)`, the new guest's name, or the host. */
export function targetLabel(t: ResolvedTarget): string {
  if (t.guestName !== undefined)
    return t.guestName !== t.guestId ? `${t.guestName} (${t.guestId})` : t.guestName;
  return t.word ?? t.host ?? '';
}
