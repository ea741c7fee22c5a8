/**
 * vzctl exit code (+ message where the code alone is ambiguous) → OpError.
 * Decisions are made on exit codes (contract §10); stderr only refines the sentence and goes to `detail`.
 */
import { type ErrorCode, OpError } from '../../model/errors.js';

/** One finished vzctl call, with what the driver knew when it made it. */
export interface VzFailure {
  /** The vzctl action (`start`, `stop`, `snapshot-switch`, ...). */
  action: string;
  ctid: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  /** For create: the template asked for. */
  template?: string;
  /** For create/set: the name asked for. */
  name?: string;
  /** For snapshot actions: the snapshot id (braced UUID). */
  snapshotId?: string;
}

type Mapper = (f: VzFailure) => OpError;

// vzctl warnings and lock-holder lines are context, not the error itself.
const NOISE = /^(warning\b|locked by:|locked info:)/i;

/** The first line of stderr that states the failure (falls back to stdout, where some errors go). */
export function firstErrorLine(stderr: string, stdout = ''): string {
  const pick = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '' && !NOISE.test(l));
  return pick(stderr) ?? pick(stdout) ?? stderr.trim().split('\n')[0] ?? '';
}

function fail(code: ErrorCode, message: string, f: VzFailure, retryable?: boolean): OpError {
  const raw = f.stderr.trim() !== '' ? f.stderr : f.stdout;
  return new OpError(code, message, {
    detail: raw.trim(),
    ...(retryable === undefined ? {} : { retryable }),
  });
}

// "(message)" with the trailing period of the quoted message removed, so the sentence ends once.
function quoted(f: VzFailure): string {
  const line = firstErrorLine(f.stderr, f.stdout).replace(/[.!]+$/, '');
  return line ? ` (${line})` : '';
}

const ct = (f: VzFailure) => `CT ${f.ctid}`;

function notRunning(f: VzFailure): OpError {
  const what: Record<string, string> = {
    suspend: `${ct(f)} is not running, so it cannot be suspended.`,
    set: `${ct(f)} is not running, so the change cannot be applied to it now.`,
  };
  return fail('NOT_RUNNING', what[f.action] ?? `${ct(f)} is not running.`, f);
}

function alreadyRunning(f: VzFailure): OpError {
  const what: Record<string, string> = {
    destroy: `${ct(f)} is running; stop it before destroying it.`,
    resume: `${ct(f)} is already running, so there is nothing to resume.`,
    umount: `${ct(f)} is running; stop it first.`,
  };
  return fail('ALREADY_RUNNING', what[f.action] ?? `${ct(f)} is already running.`, f);
}

function templateMissing(f: VzFailure): OpError {
  const fromMsg = /template\/cache\/([^/\s]+?)\.tar/.exec(f.stderr)?.[1];
  const name = f.template ?? fromMsg ?? 'asked for';
  return fail(
    'TEMPLATE_NOT_FOUND',
    `OS template ${name} is not installed on this host, so ${ct(f)} was not created.`,
    f,
  );
}

function nameTaken(f: VzFailure): OpError {
  const m = /name (\S+) already used by container (\S+)/.exec(`${f.stderr}\n${f.stdout}`);
  if (m) return fail('ALREADY_EXISTS', `The name ${m[1]} is already used by CT ${m[2]}.`, f);
  if (/without --save/.test(f.stderr)) return generic(f);
  return fail('ALREADY_EXISTS', `The name ${f.name ?? 'asked for'} is already used by another container.`, f);
}

function configClash(f: VzFailure): OpError {
  if (/already exists/.test(f.stderr)) return fail('ALREADY_EXISTS', `${ct(f)} already exists.`, f);
  return fail(
    'HYPERVISOR',
    `${ct(f)} could not be created: its sample configuration is missing${quoted(f)}.`,
    f,
  );
}

function ipInUse(f: VzFailure): OpError {
  const ip = /Unable to add IP (\S+?):/.exec(f.stderr)?.[1] ?? 'address';
  return fail(
    'RESOURCES',
    `IP ${ip} is already in use by another container, so ${ct(f)} could not take it.`,
    f,
  );
}

function snapshotCreateFailed(f: VzFailure): OpError {
  if (/only available for ploop/.test(f.stderr)) {
    return fail('UNSUPPORTED', `${ct(f)} uses simfs storage; snapshots need a ploop-based container.`, f);
  }
  if (/already exists/.test(f.stderr)) {
    return fail('ALREADY_EXISTS', `${ct(f)} already has a snapshot with that id.`, f);
  }
  return fail('HYPERVISOR', `A snapshot of ${ct(f)} could not be created${quoted(f)}.`, f);
}

function snapshotChangeFailed(f: VzFailure): OpError {
  const snap = f.snapshotId ?? /\{[0-9a-f-]+\}/i.exec(f.stderr)?.[0] ?? '';
  if (/Unable to find snapshot/.test(f.stderr)) {
    return fail('SNAPSHOT_NOT_FOUND', `${ct(f)} has no snapshot ${snap}.`, f);
  }
  const verb = f.exitCode === 158 ? 'deleted' : 'restored';
  return fail('HYPERVISOR', `Snapshot ${snap} of ${ct(f)} could not be ${verb}${quoted(f)}.`, f);
}

function generic(f: VzFailure): OpError {
  const line = firstErrorLine(f.stderr, f.stdout) || 'no error message';
  return fail('HYPERVISOR', `vzctl ${f.action} failed for ${ct(f)} (exit ${f.exitCode}): ${line}`, f);
}

const MAPPERS: Record<number, Mapper> = {
  6: (f) => fail('RESOURCES', `${ct(f)} could not start because the host lacks resources${quoted(f)}.`, f),
  7: (f) => fail('HYPERVISOR', `${ct(f)} could not start: the kernel refused to create it${quoted(f)}.`, f),
  9: (f) => fail('LOCKED', `${ct(f)} is busy with another operation; try again in a moment.`, f, true),
  14: (f) => fail('GUEST_NOT_FOUND', `${ct(f)} does not exist on this host.`, f),
  21: (f) => fail('BAD_INPUT', `vzctl refused a value for ${ct(f)}${quoted(f)}.`, f),
  31: notRunning,
  32: alreadyRunning,
  33: (f) =>
    fail('TIMEOUT', `${ct(f)} did not stop: vzctl gave up waiting for it; use force=yes to power it off.`, f),
  41: (f) => fail('HYPERVISOR', `${ct(f)} is still mounted; unmount it before destroying it.`, f),
  44: (f) => fail('ALREADY_EXISTS', `${ct(f)} already exists.`, f),
  46: (f) => fail('NO_SPACE', `The host ran out of disk space while working on ${ct(f)}.`, f),
  47: (f) =>
    fail(
      'HYPERVISOR',
      `${ct(f)} could not start its init process; its OS template may be broken${quoted(f)}.`,
      f,
    ),
  78: ipInUse,
  82: configClash,
  91: templateMissing,
  105: (f) =>
    fail(
      'HYPERVISOR',
      `${ct(f)} is disabled on this host (DISABLED=yes); re-enable it before starting it.`,
      f,
    ),
  131: nameTaken,
  154: (f) =>
    fail(
      'HYPERVISOR',
      `The disk of ${ct(f)} could not be resized; it cannot shrink below the space in use.`,
      f,
    ),
  156: snapshotCreateFailed,
  158: snapshotChangeFailed,
  159: snapshotChangeFailed,
};

/** The exit codes with a mapping of their own; everything else becomes HYPERVISOR. */
export const MAPPED_EXIT_CODES: readonly number[] = Object.keys(MAPPERS).map(Number);

/**
 * Decides whether a vzctl call failed. Returns undefined on success, else the OpError to throw.
 * Exit 0 is a success except for `stop` of a container that is not running (vzctl keeps 0 for compatibility).
 */
export function vzctlError(f: VzFailure): OpError | undefined {
  if (f.exitCode === 0) {
    if (f.action === 'stop' && /Unable to stop: container is not running/i.test(f.stderr)) {
      return fail('NOT_RUNNING', `${ct(f)} is not running.`, f);
    }
    return undefined;
  }
  return (MAPPERS[f.exitCode] ?? generic)(f);
}

/** A failure of a call that is not about one container (`vzlist`, `vzctl --version`). */
export function toolError(tool: string, exitCode: number, stderr: string, stdout: string): OpError {
  const line = firstErrorLine(stderr, stdout) || 'no error message';
  return new OpError('HYPERVISOR', `${tool} failed (exit ${exitCode}): ${line}`, { detail: stderr.trim() });
}
