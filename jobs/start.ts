import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'start',
  summary: 'Start a stopped guest',
  target: 'guest',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  timeoutMs: 5 * 60_000,
  retryable: true,
  examples: ['/vps start web-12', '/vps start 101'],
  async run(ctx) {
    ctx.progress(10, 'starting');
    await ctx.driver.start(guestId(ctx), opCtx(ctx));
    return { summary: `${guestLabel(ctx)} is running.` };
  },
});
