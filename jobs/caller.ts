/** The person behind a request, as the approval service judges them. */
import type { AnswerContext } from '../src/ops/operation.js';
import type { Caller } from '../src/ops/services.js';

export function caller(ctx: AnswerContext): Caller {
  return {
    user: ctx.user,
    ...(ctx.usergroups ? { usergroups: ctx.usergroups } : {}),
    ...(ctx.channel ? { channel: ctx.channel } : {}),
  };
}
