import { formatDuration } from '../src/model/units.js';
import { duration, yesNo } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';
import { guestId, guestLabel, opCtx } from './lifecycle.js';

export default defineOperation({
  name: 'stop',
  summary: 'Shut a guest down (graceful; power off after the timeout if force=yes)',
  target: 'guest',
  args: {
    force: yesNo({ default: false, help: 'power off if it has not shut down within the timeout' }),
    timeout: duration({
      default: 60_000,
      defaultText: '60s',
      max: 30 * 60_000,
      help: 'how long to wait for a graceful shutdown',
    }),
  },
  risk: 'change',
  ...GUEST_CHANGE,
  stopsGuest: true,
  timeoutMs: 35 * 60_000,
  retryable: true,
  examples: ['/vps stop web-12', '/vps stop web-12 force=yes timeout=2m'],
  async run(ctx) {
    const timeoutMs = ctx.args.timeout as number;
    const force = ctx.args.force as boolean;
    ctx.progress(10, `shutting down (waiting up to ${formatDuration(timeoutMs)})`);
    await ctx.driver.shutdown(guestId(ctx), { timeoutMs, force }, opCtx(ctx));
    return { summary: `${guestLabel(ctx)} is stopped.` };
  },
});
