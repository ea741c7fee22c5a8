import { defineOperation } from '../src/ops/operation.js';
import { caller } from './caller.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'approve',
  summary: 'Approve a request that waits for approval (you cannot approve your own)',
  target: 'request',
  args: {},
  risk: 'change',
  ...FLEET_READ,
  role: 'approver',
  limit: 'approvals',
  scope: 'guest',
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps approve k3x9q2mz'],
  answer: (ctx) => ctx.services.approvals.approve(ctx.target.word!, caller(ctx)),
});
