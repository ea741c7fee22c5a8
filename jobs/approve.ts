import { OpError } from '../src/model/errors.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'approve',
  summary: 'Approve a request that waits for approval (you cannot approve your own)',
  target: 'job',
  args: {},
  risk: 'read',
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps approve k3x9q2mz'],
  async answer({ target, services, user, usergroups, channel }) {
    if (!services.approvals) throw new OpError('INTERNAL', 'Approvals are not available in this process.');
    return services.approvals.approve(target.word!, {
      user,
      ...(usergroups ? { usergroups } : {}),
      ...(channel ? { channel } : {}),
    });
  },
});
