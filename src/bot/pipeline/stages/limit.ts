/**
 * The first stage: which rate limit a command counts against (its verb's bucket, its person, its
 * channel). Every command, refused or not, ends with its audit entry, and that one round trip
 * counts it and holds it to the limit before anything of it is written (stages/audit.ts): a
 * separate count first would cost every command a second round trip. An approved request
 * becoming a job counts nothing: the approve command that completed it did.
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

export const limit: Stage = (ctx, d) => {
  if (!d.limits || ctx.entry.approved) return;
  const bucket = ctx.entry.parsed?.op.limit ?? bucketOf(ctx.entry.text, d.catalogue);
  ctx.ticket = d.limits.ticket(bucket, ctx.entry.user, ctx.entry.channel);
};
