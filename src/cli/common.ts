/** What every subcommand needs: config, a logger, Redis that answers, and a clean way to fail. */
import { Redis, ReplyError } from 'ioredis';
import type { DestinationStream } from 'pino';
import { type LoadOptions, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { createLogger, type Logger } from '../log.js';
import { OpError } from '../model/errors.js';
import { redactUrl } from '../store/connection.js';
import { CliError, EXIT, type ExitName, exitNameFor } from './exit-codes.js';

export interface Context {
  config: Config;
  log: Logger;
}

/** How long a subcommand waits for Redis to answer before it gives up at start. */
const REDIS_PROBE_MS = 5_000;

/** Loads the configuration or exits with its message (the path of every bad key) and status 78. */
export function setup(opts: LoadOptions = {}, logDestination?: DestinationStream): Context {
  try {
    const config = loadConfig(opts);
    const log = createLogger(config.log.level, logDestination);
    return { config, log };
  } catch (err) {
    fail(err);
  }
}

/**
 * Prints an error on stderr as one sentence (plus its hint, or the subcommand's usage) and exits
 * with the status of its kind (see exit-codes.ts), or `exit` when the caller knows better.
 */
export function fail(err: unknown, exit?: ExitName): never {
  if (err instanceof CliError) {
    console.error(`vpsops${err.command ? ` ${err.command}` : ''}: ${err.message}`);
    if (err.usage) console.error(`\n${err.usage}`);
  } else if (err instanceof OpError) {
    console.error(`vpsops: ${err.userMessage}`);
    if (err.hint) console.error(err.hint);
  } else {
    console.error(`vpsops: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(EXIT[exit ?? exitNameFor(err)]);
}

/**
 * Resolves once Redis answers a PING; otherwise throws a CliError: UNAVAILABLE when it cannot be
 * reached, CONFIG when it answers but refuses us (a wrong password in REDIS_URL). Subcommands call
 * it at start so a Redis that is down is one sentence, not minutes of retries.
 */
export async function requireRedis(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    connectTimeout: REDIS_PROBE_MS,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  });
  // The first error says why (ECONNREFUSED, WRONGPASS); the rejected connect() only "closed".
  let socketError: Error | undefined;
  redis.on('error', (err: Error) => {
    socketError ??= err;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    const cause = socketError ?? err;
    const why = cause instanceof Error ? cause.message : String(cause);
    // Redis answered, with an error: it is up, and REDIS_URL (its password) is wrong.
    if (cause instanceof ReplyError)
      throw new CliError('CONFIG', `Redis at ${redactUrl(url)} refused us (${why}); check REDIS_URL.`);
    throw new CliError(
      'UNAVAILABLE',
      `Redis at ${redactUrl(url)} does not answer (${why}); start it, or point REDIS_URL at it.`,
    );
  } finally {
    redis.disconnect();
  }
}

/** Runs `close` once on SIGINT/SIGTERM, then exits. */
export function onShutdown(close: (signal: string) => Promise<void>): void {
  let closing = false;
  const handler = (signal: string) => {
    if (closing) return;
    closing = true;
    close(signal)
      .catch((err) => console.error(`vpsops: shutdown failed: ${(err as Error).message}`))
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', () => handler('SIGINT'));
  process.on('SIGTERM', () => handler('SIGTERM'));
}
