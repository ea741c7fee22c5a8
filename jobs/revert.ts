import { OpError } from '../src/model/errors.js';
import { name } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'revert',
  summary: 'Roll a guest back to a snapshot (changes since then are lost)',
  target: 'guest',
  args: {
    snapshot: { ...name({ hint: 'ID', help: 'snapshot id or name (see /vps snapshots)' }), required: true },
  },
  risk: 'destructive',
  ...GUEST_CHANGE,
  role: 'admin',
  approval: 'always',
  stopsGuest: true,
  timeoutMs: 30 * 60_000,
  retryable: false,
  examples: ['/vps revert db-1 snapshot=before-upgrade'],
  async run(ctx) {
    const wanted = ctx.args.snapshot as string;
    const id = guestId(ctx);
    const snaps = await ctx.driver.snapshotList(id, opCtx(ctx));
    const snap = snaps.find((s) => s.id === wanted || s.id === `{${wanted}}` || s.name === wanted);
    if (!snap) {
      throw new OpError('SNAPSHOT_NOT_FOUND', `${guestLabel(ctx)} has no snapshot "${wanted}".`, {
        hint: snaps.length
          ? `Snapshots: ${snaps.map((s) => s.name || s.id).join(', ')}.`
          : 'It has no snapshots.',
      });
    }
    ctx.progress(20, `reverting to ${snap.name || snap.id}`);
    await ctx.driver.snapshotRevert(id, snap.id, opCtx(ctx));
    return { summary: `${guestLabel(ctx)} was reverted to snapshot ${snap.name || snap.id}.` };
  },
});
