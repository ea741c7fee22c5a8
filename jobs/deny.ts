import { text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';
import { caller } from './caller.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'deny',
  summary: 'Deny a request that waits for approval, with a reason the requester sees',
  target: 'request',
  args: {
    reason: text({
      required: true,
      help: 'why, in a few words (quote it: reason="not during business hours")',
    }),
  },
  risk: 'change',
  ...FLEET_READ,
  role: 'approver',
  limit: 'approvals',
  scope: 'guest',
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps deny k3x9q2mz reason="take a snapshot first"'],
  answer: (ctx) => ctx.services.approvals.deny(ctx.target.word!, caller(ctx), String(ctx.args.reason)),
});
