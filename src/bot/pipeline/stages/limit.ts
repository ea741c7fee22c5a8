/**
 * The first stage: every command counts against its person's and its channel's rate limit before
 * anything else is done with it, refusals included. A retry of a delivery (same request id) or an
 * approved request becoming a job counts nothing: the command that started it already did.
 */
import type { Stage } from '../context.js';

/** The bucket of a command, from its verb alone: it is not parsed yet. */
function bucketOf(text: string, catalogue: Parameters<Stage>[1]['catalogue']) {
  const verb =
    text
      .trim()
      .replace(/^\/vps\s+/i, '')
      .split(/\s+/, 1)[0]
      ?.toLowerCase() ?? '';
  return catalogue.get(verb)?.limit ?? 'commands';
}

export const limit: Stage = async (ctx, d) => {
  if (!d.limits || ctx.entry.approved) return;
  const bucket = ctx.entry.parsed?.op.limit ?? bucketOf(ctx.entry.text, d.catalogue);
  await d.limits.take(bucket, ctx.entry.user, ctx.entry.channel);
};
