/**
 * The one codec for failures that cross the queue. A worker ends a failed job with
 * `encodeFailure(e)` as its error message (BullMQ keeps it as the job's `failedReason`); every
 * reader (`vpsops exec`, `/vps jobs`, the notifier) gets a SerializedError back from
 * `decodeFailure` or `readFailure`, and never looks at the text itself.
 *
 * A failure is recognised by its shape (a known code and a sentence), not by its wording. Reasons
 * written before the format marker existed have the same shape without the marker, so they still
 * decode; anything else (BullMQ's own reasons such as a stalled job, a raw Error) is not ours and
 * decodes to INTERNAL with the reason kept as the detail.
 */
import { isErrorCode, type OpError, type SerializedError } from './errors.js';

/** The format version written into every encoded failure, so a later format can tell them apart. */
export const FAILURE_FORMAT = 1;

/** The failed-job reason for an OpError: JSON with the format marker and the error's public fields. */
export function encodeFailure(e: OpError): string {
  return JSON.stringify({ failure: FAILURE_FORMAT, ...e.toJSON() });
}

/** The failure a failed job's reason describes; a missing or foreign reason becomes INTERNAL and says so. */
export function decodeFailure(reason: string | undefined): SerializedError {
  if (reason === undefined || reason === '') {
    return { code: 'INTERNAL', message: 'The job failed without giving a reason.', retryable: false };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(reason);
  } catch {
    return notOurs(reason);
  }
  return asFailure(parsed) ?? notOurs(reason);
}

/**
 * A failure that crossed the queue as data (a notice's `error`), checked the same way as a
 * reason: one that is not ours becomes INTERNAL and says so.
 */
export function readFailure(value: unknown): SerializedError {
  return asFailure(value) ?? notOurs(safeJson(value));
}

/** The SerializedError in `value` when it has our shape; only known fields are kept. */
function asFailure(value: unknown): SerializedError | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (!isErrorCode(v.code) || typeof v.message !== 'string') return undefined;
  // Older writers always set retryable; a missing one must not turn into a retry.
  const out: SerializedError = { code: v.code, message: v.message, retryable: v.retryable === true };
  if (typeof v.detail === 'string') out.detail = v.detail;
  if (typeof v.hint === 'string') out.hint = v.hint;
  return out;
}

/** What a reader gets for a reason vpsops did not write: the reason goes to the detail, never the headline. */
function notOurs(reason: string): SerializedError {
  return {
    code: 'INTERNAL',
    message: 'The job failed for a reason vpsops did not write (see the details).',
    retryable: false,
    detail: reason,
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
