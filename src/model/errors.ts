/**
 * The one error type of vpsops. Every failure that can reach a user carries a stable code,
 * a sentence safe to show in chat, and whether retrying can help.
 */

/** Every error code, with what it means; the README's error table is generated from this. */
export const ERROR_CODES = {
  BAD_INPUT: 'The command could not be understood (unknown verb, bad or missing argument).',
  GUEST_NOT_FOUND: 'No such guest (or it is outside what you may see).',
  HOST_NOT_FOUND: 'No such host in the fleet configuration.',
  JOB_NOT_FOUND: 'No such job.',
  ALREADY_RUNNING: 'The guest is already running.',
  NOT_RUNNING: 'The guest is not running.',
  ALREADY_EXISTS: 'A guest with that name or id already exists.',
  LOCKED: 'The guest is busy with another operation; retry later.',
  TIMEOUT: 'The operation did not finish within its time limit.',
  CANCELLED: 'The operation was cancelled.',
  UNSUPPORTED: 'The hypervisor cannot do this.',
  TEMPLATE_NOT_FOUND: 'The OS template does not exist on the host.',
  SNAPSHOT_NOT_FOUND: 'No such snapshot.',
  NO_SPACE: 'The host is out of disk space.',
  RESOURCES: 'The host lacks the resources to do this.',
  HOST_DOWN: 'The host is not reporting.',
  HYPERVISOR: 'The hypervisor reported a failure.',
  SIGNATURE: 'A job was unsigned or altered and was refused.',
  DENIED: 'You are not allowed to do this.',
  RATE_LIMITED: 'Too many commands in a short time; wait a little and retry.',
  APPROVAL: 'The approval request does not exist, has expired or was already decided.',
  CONFIG: 'The configuration is invalid.',
  INTERNAL: 'A bug or an unexpected failure inside vpsops.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** Codes for which a retry can help unless a caller says otherwise. */
const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(['LOCKED', 'HOST_DOWN']);

export interface OpErrorOptions {
  cause?: unknown;
  retryable?: boolean;
  /** Extra detail for logs and the thread of a chat message (e.g. raw stderr); never the headline. */
  detail?: string;
  /** A line to show under the sentence: the verb's usage, "did you mean …", what to do next. */
  hint?: string;
  /** The argument the error is about (`name`, `host`, `plan`, …), so a form can show it on that field. */
  field?: string;
}

/** An error a user can read, with a code the program can match. */
export class OpError extends Error {
  readonly retryable: boolean;
  readonly detail?: string;
  readonly hint?: string;
  readonly field?: string;

  constructor(
    readonly code: ErrorCode,
    readonly userMessage: string,
    opts: OpErrorOptions = {},
  ) {
    super(userMessage, { cause: opts.cause });
    this.name = 'OpError';
    this.retryable = opts.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    if (opts.detail !== undefined) this.detail = opts.detail;
    if (opts.hint !== undefined) this.hint = opts.hint;
    if (opts.field !== undefined) this.field = opts.field;
  }

  /** A plain object that survives JSON (queues, notify messages). */
  toJSON(): SerializedError {
    const out: SerializedError = { code: this.code, message: this.userMessage, retryable: this.retryable };
    if (this.detail !== undefined) out.detail = this.detail;
    if (this.hint !== undefined) out.hint = this.hint;
    return out;
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  retryable: boolean;
  detail?: string;
  hint?: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** Turns anything thrown into an OpError; unknown errors become INTERNAL with a generic sentence. */
export function toOpError(err: unknown): OpError {
  if (err instanceof OpError) return err;
  if (err instanceof Error && err.name === 'AbortError') {
    return new OpError('CANCELLED', 'The operation was cancelled.', { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new OpError('INTERNAL', 'Something went wrong inside vpsops; the details are in its logs.', {
    cause: err,
    detail: message,
  });
}

/** Rebuilds an OpError from its serialized form (e.g. a failed job's reason). */
export function fromSerialized(s: SerializedError): OpError {
  const opts: OpErrorOptions = { retryable: s.retryable };
  if (s.detail !== undefined) opts.detail = s.detail;
  if (s.hint !== undefined) opts.hint = s.hint;
  return new OpError(s.code, s.message, opts);
}
