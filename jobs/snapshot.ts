import { name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'snapshot',
  summary: 'Take a snapshot of a guest (running guests are snapshotted live)',
  target: 'guest',
  args: { name: name({ hint: 'NAME', help: 'a name for the snapshot (default: the date and time)' }) },
  risk: 'change',
  ...GUEST_CHANGE,
  timeoutMs: 30 * 60_000,
  retryable: false,
  examples: ['/vps snapshot db-1', '/vps snapshot db-1 name=before-upgrade'],
  async run(ctx) {
    const snapName =
      (ctx.args.name as string | undefined) ??
      `vpsops-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}`;
    ctx.progress(10, `taking snapshot ${snapName}`);
    const snap = await ctx.driver.snapshotCreate(guestId(ctx), snapName, opCtx(ctx));
    return {
      summary: `Snapshot ${snapName} of ${guestLabel(ctx)} was taken (id ${snap.id}).`,
      fields: { Snapshot: snapName, Id: snap.id },
    };
  },
});
