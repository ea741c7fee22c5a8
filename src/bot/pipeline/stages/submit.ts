/**
 * The last stage: answer from Redis, sign and enqueue the request on its host's queue, or store it
 * for approval and post its card. What the caller is told comes back as data.
 */
import type { JobView } from '../../../model/job-view.js';
import { answered, approvalAskText, type Reply } from '../../../model/outcome.js';
import { type JobRequest, targetLabel } from '../../../model/request.js';
import { sign } from '../../../model/signing.js';
import type { OperationDef } from '../../../ops/operation.js';
import type { PipelineDeps, RequestContext } from '../context.js';

export async function submit(ctx: RequestContext, d: PipelineDeps): Promise<Reply> {
  const decision = ctx.decision!;
  const op = ctx.cmd!.op;
  if (decision.kind === 'run') return enqueue(d, decision.request, op);
  if (decision.kind === 'approve')
    return askApproval(d, decision.request, decision.why, op, ctx.entry.usergroups);
  const { entry, target } = ctx;
  const answer = await op.answer!({
    target: target!,
    args: ctx.args!,
    user: entry.user,
    config: d.config,
    services: d.services(ctx.who),
    ...(entry.channel ? { channel: entry.channel } : {}),
    ...(entry.usergroups ? { usergroups: entry.usergroups } : {}),
  });
  if (op.invalidates === 'maintenance') d.maintenance?.invalidate();
  return answered(answer);
}

/** Signs and enqueues; the reply is the job's queued message. */
export async function enqueue(
  d: Pick<PipelineDeps, 'jobs' | 'fleet' | 'jobKey'>,
  request: JobRequest,
  op: OperationDef,
): Promise<Reply> {
  // The liveness check rides along with the add, so it costs the ack no extra time.
  const [, up] = await Promise.all([d.jobs.enqueue(sign(request, d.jobKey), op), d.fleet.isUp(request.host)]);
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
    job: { view, hostUp: up, ...(request.channel ? { channel: request.channel } : {}) },
    jobId: request.id,
    host: request.host,
  };
}

async function askApproval(
  d: PipelineDeps,
  request: JobRequest,
  why: string,
  op: OperationDef,
  groups: string[] | undefined,
): Promise<Reply> {
  const { access } = d;
  const cardChannel = access.approvalsChannel ?? request.channel;
  const r = await d.approvals.request({
    request,
    why,
    quorum: access.quorum(op),
    expiryMs: access.expiryMs,
    ...(cardChannel ? { cardChannel } : {}),
    ...(groups?.length ? { requesterGroups: groups } : {}),
  });
  const approval = {
    id: r.id,
    op: op.name,
    targetLabel: targetLabel(request.target),
    host: request.host,
    why,
    quorum: r.quorum,
    expiresAt: r.expiresAt,
    ...(access.approvalsChannel ? { channel: access.approvalsChannel } : {}),
  };
  return {
    ok: true,
    ephemeral: true,
    text: approvalAskText(approval),
    approval,
    approvalId: r.id,
    host: request.host,
  };
}
