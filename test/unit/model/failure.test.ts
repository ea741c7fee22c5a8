/**
 * The failure codec: what a worker writes as a failed job's reason is what every reader gets back,
 * reasons already stored in Redis by older workers still read the same, and a reason vpsops did
 * not write is reported as such instead of being taken for one of ours.
 */
import { describe, expect, it } from 'vitest';
import { OpError } from '../../../src/model/errors.js';
import { decodeFailure, encodeFailure, readFailure } from '../../../src/model/failure.js';

describe('encodeFailure / decodeFailure', () => {
  it('round-trips code, sentence, hint, detail and retryable', () => {
    const e = new OpError('LOCKED', 'web-12 is busy with another operation.', {
      hint: 'Retry in a minute.',
      detail: 'vzctl: Container already locked',
    });
    expect(decodeFailure(encodeFailure(e))).toEqual({
      code: 'LOCKED',
      message: 'web-12 is busy with another operation.',
      retryable: true,
      hint: 'Retry in a minute.',
      detail: 'vzctl: Container already locked',
    });
  });

  it('keeps what was not set absent, and a non-retryable failure non-retryable', () => {
    const reason = encodeFailure(new OpError('TIMEOUT', 'stop did not finish within 1s and was stopped.'));
    expect(decodeFailure(reason)).toEqual({
      code: 'TIMEOUT',
      message: 'stop did not finish within 1s and was stopped.',
      retryable: false,
    });
  });

  it('writes JSON whose code and sentence a person reading Redis can see', () => {
    const reason = encodeFailure(new OpError('SIGNATURE', 'The job was refused: it is for host b, not a.'));
    expect(JSON.parse(reason)).toMatchObject({ failure: 1, code: 'SIGNATURE' });
    expect(reason).toContain('it is for host b, not a');
  });

  it('reads reasons stored by workers from before the format marker', () => {
    const stored = [
      '{"code":"TIMEOUT","message":"stop did not finish within 1s and was stopped.","retryable":false}',
      '{"code":"CANCELLED","message":"The job was cancelled.","retryable":false}',
      '{"code":"HYPERVISOR","message":"vzctl failed.","retryable":false,"detail":"exit 9","hint":"See the host."}',
    ];
    expect(stored.map(decodeFailure)).toEqual([
      { code: 'TIMEOUT', message: 'stop did not finish within 1s and was stopped.', retryable: false },
      { code: 'CANCELLED', message: 'The job was cancelled.', retryable: false },
      {
        code: 'HYPERVISOR',
        message: 'vzctl failed.',
        retryable: false,
        detail: 'exit 9',
        hint: 'See the host.',
      },
    ]);
  });

  it('decodes a reason it did not write to INTERNAL, keeping that reason as the detail only', () => {
    for (const reason of [
      'job stalled more than allowable limit',
      'stop timed out after 60s',
      '{"code":"NOT_A_CODE","message":"x","retryable":true}',
      '{"message":"no code"}',
      '["TIMEOUT"]',
      'null',
      '42',
    ]) {
      const d = decodeFailure(reason);
      expect(d, reason).toEqual({
        code: 'INTERNAL',
        message: 'The job failed for a reason vpsops did not write (see the details).',
        retryable: false,
        detail: reason,
      });
    }
  });

  it('says so when there is no reason at all', () => {
    for (const reason of [undefined, '']) {
      expect(decodeFailure(reason)).toEqual({
        code: 'INTERNAL',
        message: 'The job failed without giving a reason.',
        retryable: false,
      });
    }
  });

  it('drops fields that are not ours and never reads a missing retryable as a retry', () => {
    const reason = '{"code":"LOCKED","message":"busy","stack":"at x","detail":7,"hint":"later"}';
    expect(decodeFailure(reason)).toEqual({
      code: 'LOCKED',
      message: 'busy',
      retryable: false,
      hint: 'later',
    });
  });
});

describe('readFailure', () => {
  it('passes a serialized OpError through unchanged', () => {
    const e = new OpError('NOT_RUNNING', 'web-1 is not running.', { hint: 'Start it first.' });
    expect(readFailure(e.toJSON())).toEqual(e.toJSON());
  });

  it('turns anything else into INTERNAL with what it was as the detail', () => {
    expect(readFailure({ code: 'nope', message: 'x' })).toMatchObject({
      code: 'INTERNAL',
      detail: '{"code":"nope","message":"x"}',
    });
    expect(readFailure('boom')).toMatchObject({ code: 'INTERNAL', detail: '"boom"' });
    expect(readFailure(undefined)).toMatchObject({ code: 'INTERNAL', detail: 'undefined' });
  });
});
