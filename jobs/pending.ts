import { OpError } from '../src/model/errors.js';
import { defineOperation } from '../src/ops/operation.js';

export default defineOperation({
  name: 'pending',
  summary: 'Requests waiting for approval',
  target: 'none',
  args: {},
  risk: 'read',
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps pending'],
  async answer({ services, user, usergroups, channel }) {
    if (!services.approvals) throw new OpError('INTERNAL', 'Approvals are not available in this process.');
    return services.approvals.list({
      user,
      ...(usergroups ? { usergroups } : {}),
      ...(channel ? { channel } : {}),
    });
  },
});
