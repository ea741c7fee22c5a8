import { context, fieldsOnly, section } from '../src/chat/view/blocks.js';
import type { Snapshot } from '../src/model/hypervisor.js';
import { defineOperation } from '../src/ops/operation.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'snapshots',
  summary: "List a guest's snapshots (asks the host)",
  target: 'guest',
  args: {},
  risk: 'read',
  timeoutMs: 60_000,
  retryable: true,
  examples: ['/vps snapshots db-1'],
  async run(ctx) {
    const snaps = await ctx.driver.snapshotList(guestId(ctx), opCtx(ctx));
    const summary = snaps.length
      ? `${guestLabel(ctx)} has ${snaps.length} snapshot${snaps.length === 1 ? '' : 's'}.`
      : `${guestLabel(ctx)} has no snapshots; /vps snapshot ${ctx.target.guestName ?? ''} takes one.`;
    return { summary, data: snaps };
  },
  render(result) {
    const snaps = (result.data as Snapshot[] | undefined) ?? [];
    return [
      section(result.summary),
      ...snaps.map((s) =>
        fieldsOnly([
          `*${s.name || '(no name)'}*${s.current ? '  ← current' : ''}`,
          `\`${s.id}\`  ${s.createdAt}`,
        ]),
      ),
      ...(snaps.length ? [context('Roll back with /vps revert <guest> snapshot=<name or id>')] : []),
    ];
  },
});
