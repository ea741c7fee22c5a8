import { defineOperation } from '../src/ops/operation.js';
import { caller } from './caller.js';
import { FLEET_READ } from './kinds.js';

export default defineOperation({
  name: 'pending',
  summary: 'Requests waiting for approval',
  target: 'none',
  args: {},
  risk: 'read',
  ...FLEET_READ,
  timeoutMs: 5_000,
  retryable: true,
  examples: ['/vps pending'],
  answer: (ctx) => ctx.services.approvals.list(caller(ctx)),
});
