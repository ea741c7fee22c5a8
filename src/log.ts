/** pino with secrets redacted; a child logger per job carries job id, host, guest and user. */
import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/** Paths that may carry secrets anywhere in a logged object. */
export const REDACT_PATHS = [
  'secrets',
  '*.secrets',
  'token',
  '*.token',
  'jobKey',
  '*.jobKey',
  'sig',
  '*.sig',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'signingSecret',
  '*.signingSecret',
  'password',
  '*.password',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const opts = {
    level,
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  return destination ? pino(opts, destination) : pino(opts);
}
