/** What every subcommand needs: config, a logger, and a clean way to fail. */
import type { DestinationStream } from 'pino';
import { type LoadOptions, loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { OpError } from '../core/errors.js';
import { createLogger, type Logger } from '../log.js';

export interface Context {
  config: Config;
  log: Logger;
}

/** Loads the configuration or exits with its message (the path of every bad key). */
export function setup(opts: LoadOptions = {}, logDestination?: DestinationStream): Context {
  try {
    const config = loadConfig(opts);
    const log = createLogger(config.log.level, logDestination);
    return { config, log };
  } catch (err) {
    fail(err);
  }
}

/** Prints an error as one sentence (plus its hint) and exits with status 1. */
export function fail(err: unknown, status = 1): never {
  if (err instanceof OpError) {
    console.error(`vpsops: ${err.userMessage}`);
    if (err.hint) console.error(err.hint);
  } else {
    console.error(`vpsops: ${err instanceof Error ? err.message : String(err)}`);
  }
  process.exit(status);
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
