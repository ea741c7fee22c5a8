import { OpError } from '../src/model/errors.js';
import { textAnswer } from '../src/model/outcome.js';
import { REQUEST_ID_RE } from '../src/model/request.js';
import { defineOperation } from '../src/ops/operation.js';
import { GUEST_CHANGE } from './kinds.js';

export default defineOperation({
  name: 'cancel',
  summary: 'Cancel a queued or running job (a running operation is aborted)',
  target: 'job',
  args: {},
  risk: 'change',
  ...GUEST_CHANGE,
  changesGuests: false,
  timeoutMs: 5_000,
  retryable: false,
  examples: ['/vps cancel k3x9q2mz'],
  async answer({ target, services, user }) {
    const id = target.word!;
    if (!REQUEST_ID_RE.test(id))
      throw new OpError('BAD_INPUT', `"${id}" is not a job id.`, { hint: 'See /vps jobs for job ids.' });
    const { state, host } = await services.jobs.cancel(id, user);
    const text =
      state === 'active'
        ? `Cancelling job ${id} on ${host}: the running operation is being aborted.`
        : `Job ${id} was cancelled before it started.`;
    return textAnswer(text, { icon: '🚫', public: true });
  },
});
