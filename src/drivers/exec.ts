/**
 * The one subprocess helper. Argument arrays only, never a shell; every call has a timeout;
 * success and failure share one result shape so drivers decide on exit codes.
 */
import { execa } from 'execa';
import { OpError } from '../model/errors.js';

export interface ExecOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: Record<string, string>;
  input?: string;
}

export interface ExecResult {
  command: string;
  args: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
// Control characters have no business on a command line; refuse them even if a caller forgot.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Runs `file` with `args` and resolves with exit code and output, whatever the exit code.
 * Throws OpError TIMEOUT or CANCELLED when the call was stopped, HYPERVISOR when it could not start.
 */
export async function run(
  file: string,
  args: readonly string[],
  opts: ExecOptions = {},
): Promise<ExecResult> {
  for (const a of args) {
    if (CONTROL_CHARS.test(a)) throw new OpError('BAD_INPUT', 'An argument contains control characters.');
  }
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const started = performance.now();
  const res = await execa(file, [...args], {
    reject: false,
    shell: false,
    timeout: timeoutMs,
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
    ...(opts.input !== undefined ? { input: opts.input } : { stdin: 'ignore' }),
    ...(opts.env ? { env: opts.env } : {}),
    stripFinalNewline: false,
    forceKillAfterDelay: 2_000,
  });
  const durationMs = performance.now() - started;
  const name = file.split('/').pop() ?? file;
  if (res.timedOut) {
    throw new OpError('TIMEOUT', `${name} did not finish within ${Math.round(timeoutMs / 1000)}s.`, {
      detail: String(res.stderr),
    });
  }
  if (res.isCanceled) throw new OpError('CANCELLED', 'The operation was cancelled.');
  if (res.failed && res.exitCode === undefined) {
    const code = (res.cause as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === 'ENOENT' ? 'was not found' : code === 'EACCES' ? 'is not executable' : 'could not be run';
    throw new OpError('HYPERVISOR', `${file} ${why}; check the path in the config.`, {
      cause: res.cause,
      detail: res.message,
    });
  }
  return {
    command: file,
    args,
    exitCode: res.exitCode ?? -1,
    stdout: String(res.stdout ?? ''),
    stderr: String(res.stderr ?? ''),
    durationMs,
  };
}

export interface DaemonOptions {
  env?: Record<string, string>;
  /** File that receives stdout and stderr; otherwise they are ignored. */
  logFile?: string;
  cwd?: string;
}

export interface Daemon {
  pid: number | undefined;
  /** Resolves with the exit code when the process ends. */
  exited: Promise<number | undefined>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-lived process (redis-server, a worker) with an argument array; killed if we exit. */
export function spawnDaemon(file: string, args: readonly string[], opts: DaemonOptions = {}): Daemon {
  const out = opts.logFile ? { file: opts.logFile, append: true } : 'ignore';
  const child = execa(file, [...args], {
    reject: false,
    shell: false,
    stdin: 'ignore',
    stdout: out,
    stderr: out,
    cleanup: true,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
  });
  const exited = child.then((r) => r.exitCode);
  return {
    pid: child.pid,
    exited,
    async stop(graceMs = 5_000) {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

export interface StreamOptions {
  env?: Record<string, string>;
  signal?: AbortSignal;
  /** How much of stderr to keep for the result (the end of it). Default 4 KiB. */
  stderrKeep?: number;
}

/**
 * Runs a long-lived process (e.g. `virsh event --loop`) and hands over its stdout line by line as
 * it comes; resolves with the exit code and the end of stderr when it ends or `signal` aborts.
 */
export async function streamLines(
  file: string,
  args: readonly string[],
  onLine: (line: string) => void,
  opts: StreamOptions = {},
): Promise<{ exitCode: number | undefined; stderr: string }> {
  const keep = opts.stderrKeep ?? 4096;
  const child = execa(file, [...args], {
    stdin: 'ignore',
    buffer: false,
    reject: false,
    shell: false,
    cleanup: true,
    forceKillAfterDelay: 2_000,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.signal ? { cancelSignal: opts.signal } : {}),
  });
  let tail = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    const lines = (tail + chunk).split('\n');
    tail = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-keep);
  });
  const res = await child;
  if (tail) onLine(tail);
  if (res.failed && res.exitCode === undefined && !res.isCanceled) stderr ||= String(res.message);
  return { exitCode: res.exitCode, stderr };
}
