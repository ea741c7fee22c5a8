/** Redis connections. BullMQ workers need maxRetriesPerRequest: null to block on Redis safely. */
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';

export interface RedisOptions {
  url: string;
  /** For blocking consumers (BullMQ Worker, QueueEvents, subscribers). */
  blocking?: boolean;
  /** Where connection trouble is reported (once per distinct error, not on every retry). */
  log?: Logger;
}

export function connect({ url, blocking = false, log }: RedisOptions): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 3,
    enableReadyCheck: true,
    // Reconnect with capped backoff; the queue layer survives a Redis restart.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
  let last = '';
  redis.on('error', (err: Error) => {
    if (err.message === last) return;
    last = err.message;
    log?.warn({ err: err.message, redis: redactUrl(url) }, 'Redis connection problem; retrying');
  });
  redis.on('ready', () => {
    if (last) log?.info({ redis: redactUrl(url) }, 'Redis connection restored');
    last = '';
  });
  return redis;
}

/** redis://user:secret@host → redis://user:***@host, for logs. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
}
