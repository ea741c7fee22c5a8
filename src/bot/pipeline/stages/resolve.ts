/**
 * Resolve the target within what the caller may see, and work out what the policy judges: the
 * guest, the job's guest (cancel), or the host (host-wide verbs; host= and guest= when given).
 */
import type { ResolvedTarget } from '../../../model/request.js';
import { visibleInventory } from '../../policy/checks.js';
import type { PipelineDeps, RequestContext, Stage } from '../context.js';
import { resolveTarget } from '../resolve-target.js';

/** Whether the request goes to its host (no bot-side answer, or a live read). */
export function isLive(ctx: RequestContext): boolean {
  const { op, args } = ctx.cmd!;
  return !op.answer || (op.live?.(args) ?? false);
}

export const resolve: Stage = async (ctx, d) => {
  const cmd = ctx.cmd!;
  const visible = (h: string, g?: string) =>
    g === undefined ? d.access.canSeeHost(ctx.who, h) : d.access.canSee(ctx.who, h, g);
  const inventory = visibleInventory(d.guestIndex, visible);
  const alert = async (fp: string) => {
    const a = await d.alerts.get(fp);
    return a && visible(a.host, a.guest) ? a : undefined;
  };
  const hostNames = Object.keys(d.config.hosts);
  const r = await resolveTarget(cmd, { inventory, hostNames, alert }, isLive(ctx));
  ctx.target = r.target;
  if (r.guest) ctx.guest = r.guest;
  ctx.scope = await scopeOf(ctx, r.target, d);
  if (r.target.host) ctx.audit.host = r.target.host;
  if (ctx.scope.guest) ctx.audit.target = ctx.scope.guest;
};

async function scopeOf(
  ctx: RequestContext,
  t: ResolvedTarget,
  d: PipelineDeps,
): Promise<{ host?: string; guest?: string }> {
  const { op, args } = ctx.cmd!;
  // A job is judged by the guest it is about.
  if (t.kind === 'job' && t.word) {
    const found = await d.jobs.find(t.word);
    if (found) return { host: found.host, ...guestOf(found.job.data.request.target) };
  }
  if (t.kind === 'alert' && t.host) return { host: t.host, ...(t.guestName ? { guest: t.guestName } : {}) };
  if (op.scope === 'host') {
    const host = t.host ?? (typeof args.host === 'string' ? args.host : undefined);
    const guest = typeof args.guest === 'string' ? args.guest : undefined;
    return { ...(host ? { host } : {}), ...(guest ? { guest } : {}) };
  }
  return { ...(t.host ? { host: t.host } : {}), ...guestOf(t) };
}

function guestOf(t: ResolvedTarget): { guest?: string } {
  const g = t.guestName ?? (t.kind === 'new-guest' ? t.word : undefined);
  return g ? { guest: g } : {};
}
