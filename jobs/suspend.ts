import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'suspend',
  summary: 'Freeze a running guest (its memory is kept; resume continues it)',
  target: 'guest',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  stopsGuest: true,
  timeoutMs: 10 * 60_000,
  retryable: true,
  examples: ['/vps suspend web-12'],
  async run(ctx) {
    ctx.progress(10, 'suspending');
    await ctx.driver.suspend(guestId(ctx), opCtx(ctx));
    return {
      summary:
        `${guestLabel(ctx)} is suspended; /vps resume ${ctx.target.guestName ?? ''} continues it.`.replace(
          ' ;',
          ';',
        ),
    };
  },
});
