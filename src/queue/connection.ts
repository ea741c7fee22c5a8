/** Redis connections. BullMQ workers need maxRetriesPerRequest: null to block on Redis safely. */
import { Redis } from 'ioredis';

export interface RedisOptions {
  url: string;
  /** For blocking consumers (BullMQ Worker, QueueEvents, subscribers). */
  blocking?: boolean;
}

export function connect({ url, blocking = false }: RedisOptions): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: blocking ? null : 3,
    enableReadyCheck: true,
    // Reconnect with capped backoff; the queue layer survives a Redis restart.
    retryStrategy: (times) => Math.min(times * 200, 5_000),
  });
}
