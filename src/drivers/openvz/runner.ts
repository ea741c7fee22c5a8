/**
 * Runs vzctl/vzlist through exec.ts: the configured timeout, the caller's AbortSignal,
 * retry with backoff while the container is locked (exit 9), and exit code → OpError.
 */

import type { Guest } from '../../model/hypervisor.js';
import { delay } from '../delay.js';
import { type ExecResult, run } from '../exec.js';
import { toolError, type VzFailure, vzctlError } from './errors.js';
import { parseVzlist, vzlistArgs } from './inventory.js';

/** The subset of a pino logger the driver uses. */
export interface DriverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface RunnerOptions {
  vzctl: string;
  vzlist: string;
  commandTimeoutMs: number;
  lockRetries: number;
  lockBackoffMs: number;
  logger: DriverLogger;
}

/** One vzctl call: `vzctl <action> <ctid> <args...>`, plus what error messages should name. */
export interface VzCall extends Omit<VzFailure, 'exitCode' | 'stdout' | 'stderr'> {
  args?: readonly string[];
  /** Exit codes handed back to the caller as a result instead of thrown (e.g. 44 when picking a free CTID). */
  returnOn?: readonly number[];
  /** Overrides the configured command timeout (shutdown uses the caller's grace period). */
  timeoutMs?: number;
  signal?: AbortSignal | undefined;
}

const NOOP = () => {};
/** A logger that drops everything, for when the caller gives none. */
export const silentLogger: DriverLogger = { debug: NOOP, info: NOOP, warn: NOOP, error: NOOP };

export class VzRunner {
  constructor(private readonly opts: RunnerOptions) {}

  /** Runs one vzctl action; resolves with its output on success, throws the mapped OpError otherwise. */
  async vzctl(call: VzCall): Promise<ExecResult> {
    const argv = [call.action, call.ctid, ...(call.args ?? [])];
    for (let attempt = 0; ; attempt++) {
      const res = await this.exec(this.opts.vzctl, argv, call);
      if (call.returnOn?.includes(res.exitCode)) return res;
      const err = vzctlError({ ...call, exitCode: res.exitCode, stdout: res.stdout, stderr: res.stderr });
      if (!err) return res;
      if (err.code !== 'LOCKED' || attempt >= this.opts.lockRetries) throw err;
      const wait = this.opts.lockBackoffMs * 2 ** attempt;
      this.opts.logger.info(
        { ctid: call.ctid, action: call.action, attempt: attempt + 1, wait },
        'CT locked; retrying',
      );
      await delay(wait, call.signal);
    }
  }

  /** `vzctl --version` → `4.11.1` (or the whole first line when it has another shape). */
  async vzctlVersion(signal?: AbortSignal): Promise<string> {
    const res = await this.exec(this.opts.vzctl, ['--version'], { signal });
    if (res.exitCode !== 0) throw toolError('vzctl --version', res.exitCode, res.stderr, res.stdout);
    const line = res.stdout.trim().split('\n')[0] ?? '';
    return /version\s+(\S+)/.exec(line)?.[1] ?? line;
  }

  /** One `vzlist -a -j` for the whole host, or for the given CTIDs (missing ones are simply absent). */
  async list(ctids: readonly string[] = [], signal?: AbortSignal): Promise<Guest[]> {
    const res = await this.exec(this.opts.vzlist, vzlistArgs(ctids), { signal });
    // With CTID arguments vzlist exits 1 and prints `[]` when none of them exists.
    if (res.exitCode === 1 && ctids.length > 0 && res.stdout.trim().replace(/\s/g, '') === '[]') return [];
    if (res.exitCode !== 0) throw toolError('vzlist', res.exitCode, res.stderr, res.stdout);
    return parseVzlist(res.stdout);
  }

  private async exec(
    file: string,
    args: readonly string[],
    o: { timeoutMs?: number; signal?: AbortSignal | undefined },
  ): Promise<ExecResult> {
    const res = await run(file, args, {
      timeoutMs: o.timeoutMs ?? this.opts.commandTimeoutMs,
      ...(o.signal ? { signal: o.signal } : {}),
    });
    this.opts.logger.debug(
      { cmd: file, args, exitCode: res.exitCode, ms: Math.round(res.durationMs) },
      'openvz command finished',
    );
    return res;
  }
}
