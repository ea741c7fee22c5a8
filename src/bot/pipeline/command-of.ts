/** A stored request as the command it was, so it can go through the pipeline again. */
import type { JobRequest } from '../../model/request.js';
import type { ParsedCommand } from '../../ops/grammar.js';

/** The command a stored request was: its operation, its target named again, its arguments. */
export function commandOf(q: JobRequest, op: ParsedCommand['op']): ParsedCommand {
  const t = q.target;
  const word = t.kind === 'guest' ? `${t.guestName ?? t.guestId}@${q.host}` : t.word;
  return { op, ...(word !== undefined ? { word } : {}), args: q.args, given: new Set(Object.keys(q.args)) };
}
