import { OpError } from '../src/model/errors.js';
import { textAnswer } from '../src/model/outcome.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';

export default defineOperation({
  name: 'ack',
  summary: 'Acknowledge an alert: you are on it (its message says who and when)',
  target: 'alert',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  duringMaintenance: 'anyone',
  changesGuests: false,
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps ack crash:vz-1:101'],
  async answer({ target, services, user }) {
    const acked = await services.alerts.ack(target.word!, user, services.now());
    if (!acked) throw new OpError('BAD_INPUT', `No alert ${target.word} is kept.`);
    return textAnswer(`Alert ${acked.title} acknowledged by ${user}.`, { icon: '👀' });
  },
});
