/**
 * Decide what happens: answered from Redis, run on the host now, or first approved. The request
 * that runs is built here, so the audit entry and the approval both name its id.
 */
import { OpError } from '../../../model/errors.js';
import { type JobRequest, newRequestId } from '../../../model/request.js';
import type { RequestContext, Stage } from '../context.js';
import { isLive } from './resolve.js';

export const decide: Stage = async (ctx, d) => {
  if (!isLive(ctx)) {
    ctx.decision = { kind: 'answer' };
    return;
  }
  const approved = ctx.entry.approved;
  if (approved) {
    sameTarget(ctx, approved.request);
    ctx.decision = {
      kind: 'run',
      request: { ...approved.request, approval: { id: approved.id, hash: approved.hash } },
    };
    return;
  }
  const requestId = ctx.entry.retryOf ? await claimRetry(ctx.entry.retryOf, d) : ctx.entry.requestId;
  const request = build(ctx, requestId ?? newRequestId(), d.now());
  ctx.audit.requestId = request.id;
  const why = approvalReason(ctx, d);
  ctx.decision = why ? { kind: 'approve', request, why } : { kind: 'run', request };
};

/** Why this request waits for an approver, or undefined when it runs at once. */
function approvalReason(ctx: RequestContext, d: Parameters<Stage>[1]): string | undefined {
  const op = ctx.cmd!.op;
  if (op.approval === 'always')
    return op.risk === 'destructive' ? `${op.name} is destructive` : `${op.name} always needs approval`;
  if (ctx.overcommit) return ctx.overcommit;
  const own =
    typeof op.approval === 'function'
      ? op.approval({ args: ctx.args!, ...(ctx.guest ? { guest: ctx.guest } : {}) })
      : undefined;
  if (own) return own;
  if (d.access.policy.approvals.require.includes(op.name))
    return `the access policy requires approval for ${op.name}`;
  return undefined;
}

function build(ctx: RequestContext, id: string, now: number): JobRequest {
  const { entry, target } = ctx;
  const op = ctx.cmd!.op;
  if (!target?.host) throw new OpError('INTERNAL', `${op.name}: no host resolved`);
  return {
    v: 1,
    id,
    op: op.name,
    host: target.host,
    target,
    args: ctx.args!,
    user: entry.user,
    origin: entry.origin,
    issuedAt: now,
    ...(entry.channel ? { channel: entry.channel } : {}),
  };
}

/** The approvers approved one guest on one host: it must still be that guest, under that name. */
function sameTarget(ctx: RequestContext, approved: JobRequest): void {
  const now = ctx.target!;
  const then = approved.target;
  const same = now.guestId === then.guestId && now.guestName === then.guestName && now.word === then.word;
  if (now.host === approved.host && same) return;
  const was = then.guestName ?? then.word ?? approved.host;
  throw new OpError(
    'APPROVAL',
    `${was} is no longer the guest that was approved on ${approved.host}; nothing ran.`,
    {
      hint: 'Ask for a new request if it is still wanted.',
    },
  );
}

/** The id of the one retry of a failed job; a second click learns which job already retried it. */
async function claimRetry(jobId: string, d: Parameters<Stage>[1]): Promise<string> {
  const requestId = newRequestId();
  const holder = await d.jobs.claimRetry(jobId, requestId);
  if (holder !== requestId)
    throw new OpError('BAD_INPUT', `Job ${jobId} was already retried as job ${holder}.`, {
      hint: 'See /vps jobs for how that one went.',
    });
  return requestId;
}
