/**
 * Runs `virsh -c URI …` through exec.ts for what the binding lacks (reboot, snapshots, live
 * setvcpus/setmem, domstats, domstate --reason). LC_ALL=C keeps the words we parse in English.
 * A call that could not reach libvirtd is retried with backoff; one that lost it midway, once.
 */
import { OpError } from '../../model/errors.js';
import { type ExecResult, run } from '../exec.js';
import { type ErrorContext, type KvmAction, virshError } from './errors.js';
import { isConnectionMessage } from './libvirt-codes.js';

/** The subset of a pino logger the driver uses. */
export interface DriverLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const NOOP = () => {};
/** A logger that drops everything, for when the caller gives none. */
export const silentLogger: DriverLogger = { debug: NOOP, info: NOOP, warn: NOOP, error: NOOP };

/** True when libvirt's message says libvirtd is unreachable or the connection dropped (worth a retry). */
export function isConnectionLost(message: string): boolean {
  return isConnectionMessage(message) && !/no connection driver available/i.test(message);
}

/** Environment of every virsh child: English messages, and no stray default URI. */
export const VIRSH_ENV: Record<string, string> = { LC_ALL: 'C', LANG: 'C' };

export interface VirshOptions {
  virsh: string;
  uri: string;
  commandTimeoutMs: number;
  backoffMs: readonly number[];
  logger: DriverLogger;
}

/** One virsh call and what error messages should name. */
export interface VirshCall {
  action: KvmAction;
  guest?: string;
  snapshot?: string;
  signal?: AbortSignal | undefined;
  timeoutMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new OpError('CANCELLED', 'The operation was cancelled.'));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new OpError('CANCELLED', 'The operation was cancelled.'));
      },
      { once: true },
    );
  });
}

export class Virsh {
  constructor(private readonly opts: VirshOptions) {}

  get uri(): string {
    return this.opts.uri;
  }

  /** The argument array of a call (for the event child, which is not run through `run`). */
  argv(args: readonly string[]): string[] {
    return ['-c', this.opts.uri, ...args];
  }

  get file(): string {
    return this.opts.virsh;
  }

  /** Runs virsh; resolves with its output on exit 0, throws the mapped OpError otherwise. */
  async ok(args: readonly string[], call: VirshCall): Promise<ExecResult> {
    const res = await this.raw(args, call);
    const err = virshError(res, this.context(call));
    if (err) throw err;
    return res;
  }

  /** Runs virsh and hands back the result whatever the exit code (retrying lost connections). */
  async raw(args: readonly string[], call: VirshCall): Promise<ExecResult> {
    const waits = this.opts.backoffMs;
    let lostOnce = false;
    for (let attempt = 0; ; attempt++) {
      const res = await this.exec(args, call);
      if (res.exitCode === 0 || !isConnectionLost(res.stderr)) return res;
      // "failed to connect" means nothing ran; a connection lost midway may have run: retry that once.
      const neverConnected = /failed to connect to the hypervisor/.test(res.stderr);
      const wait = waits[attempt];
      if (wait === undefined || (!neverConnected && lostOnce)) return res;
      lostOnce ||= !neverConnected;
      this.opts.logger.warn(
        { uri: this.opts.uri, args, attempt: attempt + 1, wait, stderr: res.stderr.trim() },
        'virsh could not reach libvirtd; retrying',
      );
      await sleep(wait, call.signal);
    }
  }

  context(call: Pick<VirshCall, 'action' | 'guest' | 'snapshot'>): ErrorContext {
    const ctx: ErrorContext = { action: call.action, uri: this.opts.uri };
    if (call.guest !== undefined) ctx.guest = call.guest;
    if (call.snapshot !== undefined) ctx.snapshot = call.snapshot;
    return ctx;
  }

  private async exec(args: readonly string[], call: VirshCall): Promise<ExecResult> {
    const res = await run(this.opts.virsh, this.argv(args), {
      timeoutMs: call.timeoutMs ?? this.opts.commandTimeoutMs,
      env: VIRSH_ENV,
      ...(call.signal ? { signal: call.signal } : {}),
    });
    this.opts.logger.debug(
      { cmd: 'virsh', args, exitCode: res.exitCode, ms: Math.round(res.durationMs) },
      'virsh finished',
    );
    return res;
  }
}
