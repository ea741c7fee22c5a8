/** Bolt and the Web API client log through pino, so tokens are redacted like everything else. */
import { LogLevel, type Logger as SlackLogger } from '@slack/logger';
import type { Logger } from '../../log.js';

// Bolt logs plain strings, which pino's path redaction cannot see into: scrub tokens by shape.
const TOKEN_RE = /\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+/g;
const text = (msg: unknown[]) =>
  msg
    .map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m)))
    .join(' ')
    .replace(TOKEN_RE, '$1-[redacted]');

export function slackLogger(log: Logger): SlackLogger {
  const child = log.child({ component: 'slack' });
  let level = LogLevel.INFO;
  return {
    debug: (...m: unknown[]) => child.debug(text(m)),
    info: (...m: unknown[]) => child.info(text(m)),
    warn: (...m: unknown[]) => child.warn(text(m)),
    error: (...m: unknown[]) => child.error(text(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
