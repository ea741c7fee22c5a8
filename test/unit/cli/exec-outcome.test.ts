/** The `vpsops exec --json` object for each way a command can end, and the exit status with it. */
import { describe, expect, it } from 'vitest';
import { execOutcome } from '../../../src/cli/exec-outcome.js';
import type { Reply } from '../../../src/model/outcome.js';

const reply = (r: Partial<Reply>): Reply => ({ ok: true, ephemeral: false, text: '', ...r });
const queued = reply({ jobId: 'req1', host: 'vz-1' });

describe('execOutcome', () => {
  it('an answered read is ok, with no request or host', () => {
    expect(execOutcome(reply({ text: '2 guests' }), '2 guests')).toEqual({
      ok: true,
      status: 'answered',
      exitCode: 0,
      requestId: null,
      host: null,
      text: '2 guests',
    });
  });

  it('a job that was not waited for is queued', () => {
    expect(execOutcome(queued, '⏳ queued')).toMatchObject({ ok: true, status: 'queued', requestId: 'req1' });
  });

  it('a finished job carries its result, and the text is both lines', () => {
    const result = { summary: 'web-2 is running.', fields: { State: 'running' } };
    const o = execOutcome(queued, '⏳ queued', { status: 'done', text: '✅ done', result });
    expect(o).toEqual({
      ok: true,
      status: 'done',
      exitCode: 0,
      requestId: 'req1',
      host: 'vz-1',
      text: '⏳ queued\n✅ done',
      result,
    });
  });

  it('a failed job carries its error without the log-only detail', () => {
    const error = { code: 'ALREADY_RUNNING' as const, message: 'CT 101 is running.', retryable: false };
    const o = execOutcome(queued, 'q', {
      status: 'failed',
      text: '❌',
      error: { ...error, detail: 'raw' } as never,
    });
    expect(o).toMatchObject({ ok: false, status: 'failed', exitCode: 1, error });
    expect(o.error).not.toHaveProperty('detail');
  });

  it('a refusal exits 2 with the code and sentence; one that says vpsops is broken exits with that', () => {
    const denied = execOutcome(reply({ ok: false, code: 'DENIED', text: 'Not allowed.' }), '❌ Not allowed.');
    expect(denied).toMatchObject({
      ok: false,
      status: 'refused',
      exitCode: 2,
      requestId: null,
      error: { code: 'DENIED', message: 'Not allowed.', retryable: false },
    });
    const broken = execOutcome(reply({ ok: false, code: 'INTERNAL', text: 'Audit failed.' }), '❌');
    expect(broken).toMatchObject({ status: 'refused', exitCode: 70 });
  });

  it('waiting for approval is 4 with the approval request id; no outcome in time is 3', () => {
    expect(execOutcome(reply({ approvalId: 'apr1' }), '⏳ needs approval')).toMatchObject({
      ok: false,
      status: 'waiting-approval',
      exitCode: 4,
      requestId: 'apr1',
    });
    expect(execOutcome(queued, 'q', { status: 'timeout', text: 'No outcome' })).toMatchObject({
      status: 'timeout',
      exitCode: 3,
      requestId: 'req1',
    });
  });
});
