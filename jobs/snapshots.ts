import { defineOperation } from '../src/ops/operation.js';
import { GUEST_READ } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'snapshots',
  summary: "List a guest's snapshots (asks the host)",
  target: 'guest',
  args: {},
  risk: 'read',
  ...GUEST_READ,
  timeoutMs: 60_000,
  retryable: true,
  examples: ['/vps snapshots db-1'],
  async run(ctx) {
    const snaps = await ctx.driver.snapshotList(guestId(ctx), opCtx(ctx));
    const summary = snaps.length
      ? `${guestLabel(ctx)} has ${snaps.length} snapshot${snaps.length === 1 ? '' : 's'}.`
      : `${guestLabel(ctx)} has no snapshots; /vps snapshot ${ctx.target.guestName ?? ''} takes one.`;
    return { summary, view: { kind: 'snapshots', summary, snapshots: snaps } };
  },
});
