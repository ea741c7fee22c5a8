import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'resume',
  summary: 'Continue a suspended guest',
  target: 'guest',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  timeoutMs: 10 * 60_000,
  retryable: true,
  examples: ['/vps resume web-12'],
  async run(ctx) {
    ctx.progress(10, 'resuming');
    await ctx.driver.resume(guestId(ctx), opCtx(ctx));
    return { summary: `${guestLabel(ctx)} is running again.` };
  },
});
