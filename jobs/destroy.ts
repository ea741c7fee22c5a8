import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'destroy',
  summary: 'Power off and delete a guest with its disks and snapshots (cannot be undone)',
  target: 'guest',
  args: {},
  risk: 'destructive',
  ...GUEST_CHANGE,
  role: 'admin',
  approval: 'always',
  stopsGuest: true,
  timeoutMs: 15 * 60_000,
  retryable: false,
  examples: ['/vps destroy shop-3'],
  async run(ctx) {
    ctx.progress(10, 'powering off and deleting');
    await ctx.driver.destroy(guestId(ctx), opCtx(ctx));
    return { summary: `${guestLabel(ctx)} was destroyed.` };
  },
});
