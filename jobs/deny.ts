import { OpError } from '../src/model/errors.js';
import { text } from '../src/ops/args.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'deny',
  summary: 'Deny a request that waits for approval, with a reason the requester sees',
  target: 'job',
  args: {
    reason: text({
      required: true,
      help: 'why, in a few words (quote it: reason="not during business hours")',
    }),
  },
  risk: 'read',
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps deny k3x9q2mz reason="take a snapshot first"'],
  async answer({ target, args, services, user, usergroups, channel }) {
    if (!services.approvals) throw new OpError('INTERNAL', 'Approvals are not available in this process.');
    return services.approvals.deny(
      target.word!,
      { user, ...(usergroups ? { usergroups } : {}), ...(channel ? { channel } : {}) },
      String(args.reason),
    );
  },
});
