/**
 * The notifier reads a job notice's error through the failure codec: one of ours reaches the chat
 * as it was sent, anything else is shown as an INTERNAL failure that says it is not ours, instead
 * of a message with no sentence.
 */
import { describe, expect, it } from 'vitest';
import { catalogue } from '../../../jobs/index.js';
import { Notifier, type NotifySink } from '../../../src/bot/notifier.js';
import { OpError } from '../../../src/model/errors.js';
import type { JobView } from '../../../src/model/job-view.js';
import type { JobNotice } from '../../../src/model/notice.js';
import { capturedLog } from '../../helpers/runner.js';

function notifier() {
  const views: JobView[] = [];
  const sink: NotifySink = {
    job: async (v) => void views.push(v),
    guest: async () => {},
    approval: async () => {},
  };
  // handle() is what the notify queue's worker calls; no queue is needed to call it here.
  const n = new Notifier({
    redisUrl: 'redis://unused',
    prefix: 't',
    catalogue,
    sink,
    log: capturedLog().log,
  });
  return { n, views };
}

const notice = (requestId: string, error: unknown): JobNotice =>
  ({
    kind: 'job',
    requestId,
    host: 'kvm-t',
    op: 'stop',
    target: { kind: 'guest', host: 'kvm-t', guestId: '101', guestName: 'web-1' },
    user: 'alice',
    origin: 'test',
    phase: 'failed',
    at: Date.now(),
    error,
  }) as JobNotice;

describe('notifier: job notice errors', () => {
  it('passes our own failure through as it was sent', async () => {
    const { n, views } = notifier();
    const e = new OpError('NOT_RUNNING', 'web-1 is not running.', { hint: 'Start it first.' });
    await n.handle(notice('req1', e.toJSON()));
    expect(views[0]?.error).toEqual(e.toJSON());
  });

  it('shows an error that is not ours as INTERNAL, keeping what came as the detail', async () => {
    const { n, views } = notifier();
    await n.handle(notice('req2', { reason: 'stalled' }));
    expect(views[0]?.error).toEqual({
      code: 'INTERNAL',
      message: 'The job failed for a reason vpsops did not write (see the details).',
      retryable: false,
      detail: '{"reason":"stalled"}',
    });
  });
});
