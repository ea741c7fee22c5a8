import { describe, expect, it } from 'vitest';
import {
  actions,
  button,
  context,
  fieldsOnly,
  header,
  progressBar,
  section,
} from '../../../src/chat/view/blocks.js';
import { type JobView, jobBlocks } from '../../../src/chat/view/job-message.js';
import { plain, renderBlocks } from '../../../src/chat/view/text.js';

const base: JobView = {
  requestId: 'k3x9q2mz',
  op: 'stop',
  host: 'vz-1',
  targetLabel: 'web-1 (101)',
  user: 'alice',
  phase: 'queued',
  pct: 0,
};

describe('Block Kit → text', () => {
  it('strips mrkdwn and renders fields, context and buttons', () => {
    const text = renderBlocks([
      header('web-1'),
      section('*bold* and `code` and <https://x.example|a link> &amp; more'),
      fieldsOnly(['*State*\nrunning', '*Memory*\n1G']),
      context('one', 'two'),
      actions(button('Cancel', 'job_cancel', 'x')),
    ]);
    expect(text).toBe(
      [
        'web-1',
        'bold and code and a link & more',
        '  State   running',
        '  Memory  1G',
        'one  ·  two',
        '[Cancel]',
      ].join('\n'),
    );
  });

  it('keeps snake_case and file paths intact', () => {
    expect(plain('user_beancounters at /vz/private/101')).toBe('user_beancounters at /vz/private/101');
  });

  it('progress bars read the same everywhere', () => {
    expect(progressBar(0)).toBe('░░░░░░░░░░ 0%');
    expect(progressBar(42)).toBe('▓▓▓▓░░░░░░ 42%');
    expect(progressBar(100)).toBe('▓▓▓▓▓▓▓▓▓▓ 100%');
  });
});

describe('job message (golden)', () => {
  it('queued, with position and a Cancel button', () => {
    expect(renderBlocks(jobBlocks({ ...base, position: 3 }))).toBe(
      '⏳ stop web-1 (101) on vz-1: queued (position 3)\nrequested by alice · job k3x9q2mz\n[Cancel]',
    );
  });

  it('running with a bar and the current step', () => {
    expect(
      renderBlocks(jobBlocks({ ...base, phase: 'running', pct: 50, step: 'shutting down' })).split('\n')[0],
    ).toBe('▶️ stop web-1 (101) on vz-1: ▓▓▓▓▓░░░░░ 50% shutting down');
  });

  it('done with duration and outcome, no buttons', () => {
    const v: JobView = {
      ...base,
      phase: 'done',
      pct: 100,
      startedAt: 1000,
      finishedAt: 3500,
      result: { summary: 'web-1 (101) is stopped.' },
    };
    expect(renderBlocks(jobBlocks(v))).toBe(
      '✅ stop web-1 (101) on vz-1: done in 2.5s: web-1 (101) is stopped.\nrequested by alice · job k3x9q2mz',
    );
  });

  it('failed with the sentence, the hint and a Retry button', () => {
    const v: JobView = {
      ...base,
      phase: 'failed',
      startedAt: 0,
      finishedAt: 1200,
      error: {
        code: 'TIMEOUT',
        message: 'CT 101 did not shut down within 60s; use force=yes.',
        retryable: false,
        hint: 'Or raise timeout=.',
      },
    };
    expect(renderBlocks(jobBlocks(v))).toBe(
      '❌ stop web-1 (101) on vz-1: failed in 1.2s: CT 101 did not shut down within 60s; use force=yes.\nOr raise timeout=.\nrequested by alice · job k3x9q2mz\n[Retry]',
    );
  });
});
