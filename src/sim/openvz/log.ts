/**
 * vzctl's logger: level >= 0 messages go to stdout, errors (level -1) to stderr, one line each.
 * `--quiet` silences both; `--verbose` adds level-1 messages. Usage errors bypass the logger.
 */
import { sleep } from './fsutil.js';

export class Logger {
  constructor(
    private readonly quiet: boolean,
    private readonly verbose: number,
  ) {}

  info(msg: string): void {
    if (!this.quiet) process.stdout.write(`${msg}\n`);
  }

  /** Messages vzctl only shows with --verbose. */
  debug(msg: string): void {
    if (!this.quiet && this.verbose > 0) process.stdout.write(`${msg}\n`);
  }

  error(msg: string): void {
    if (!this.quiet) process.stderr.write(`${msg}\n`);
  }
}

/** Printed whatever --quiet says (usage and option-parsing errors). */
export const direct = {
  out(msg: string): void {
    process.stdout.write(`${msg}\n`);
  },
  err(msg: string): void {
    process.stderr.write(`${msg}\n`);
  },
};

/** One output line of an action: stdout by default, stderr when `err`. */
export type Line = string | { err: string };

/**
 * Prints the lines of an action spread over `totalMs`, so a slow simulated action shows its
 * progress as it goes (the first line at once, the last when the time is up).
 */
export async function emit(log: Logger, lines: readonly Line[], totalMs: number): Promise<void> {
  const gap = lines.length > 1 ? totalMs / (lines.length - 1) : 0;
  for (const [i, line] of lines.entries()) {
    if (i > 0 && gap > 0) await sleep(gap);
    if (typeof line === 'string') log.info(line);
    else log.error(line.err);
  }
  if (lines.length <= 1 && totalMs > 0) await sleep(totalMs);
}
