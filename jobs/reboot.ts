import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'reboot',
  summary: 'Restart a guest',
  target: 'guest',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  stopsGuest: true,
  timeoutMs: 10 * 60_000,
  // A second reboot after a partial first one would restart the guest twice.
  retryable: false,
  examples: ['/vps reboot web-12'],
  async run(ctx) {
    ctx.progress(10, 'rebooting');
    await ctx.driver.reboot(guestId(ctx), opCtx(ctx));
    return { summary: `${guestLabel(ctx)} was restarted and is running.` };
  },
});
