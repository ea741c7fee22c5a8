/**
 * The audit entry of a command, written before anything happens: what it was, who asked, and
 * what became of it (answered, queued, approval requested, or why it was refused).
 */
import type { CommandEntry } from '../../../model/audit.js';
import type { OpError } from '../../../model/errors.js';
import { auditFields } from '../../../store/audit.js';
import type { PipelineDeps, RequestContext, Stage } from '../context.js';

const OUTCOME = { answer: 'answered', run: 'queued', approve: 'approval-requested' } as const;

export const audit: Stage = async (ctx, d) => {
  const decision = ctx.decision!;
  if (decision.kind === 'approve') ctx.audit.approvalId = decision.request.id;
  await write(ctx, d, OUTCOME[decision.kind]);
};

/** The audit entry of a refusal. */
export async function auditRefusal(ctx: RequestContext, d: PipelineDeps, e: OpError): Promise<void> {
  const outcome = e.code === 'DENIED' ? 'denied' : e.code === 'RATE_LIMITED' ? 'rate-limited' : 'refused';
  await write(ctx, d, outcome, e);
}

async function write(
  ctx: RequestContext,
  d: PipelineDeps,
  outcome: CommandEntry['outcome'],
  e?: OpError,
): Promise<void> {
  const { entry } = ctx;
  const record = {
    type: 'command',
    at: d.now(),
    user: entry.user,
    origin: entry.origin,
    text: entry.text,
    outcome,
    ...(entry.channel ? { channel: entry.channel } : {}),
    ...ctx.audit,
    ...(e ? { reason: e.userMessage, code: e.code } : {}),
  } as CommandEntry;
  // Counted and held to the rate limit in the same round trip; a rate-limited command's own entry is not.
  if (ctx.ticket && d.limits && outcome !== 'rate-limited')
    return d.limits.appendWithin(ctx.ticket, auditFields(record));
  await d.audit.append(record);
}
