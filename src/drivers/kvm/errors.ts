/**
 * libvirt failures → OpError with one sentence of ours naming the guest; libvirt's own text goes to
 * `detail`. Two entry points share one table: `libvirtError` for the binding's error objects
 * (which carry the virErrorNumber) and `virshError` for a failed virsh call (whose number is recovered
 * from the message prefix). virsh must run with LC_ALL=C so the texts matched here are English.
 */
import { type ErrorCode, OpError } from '../../model/errors.js';
import { ALREADY_RUNNING, type KvmAction, NOT_RUNNING, pastTense, VERBS } from './error-text.js';
import {
  codeFromMessage,
  isConnectionMessage,
  type LibvirtFailure,
  stripPrefix,
  VIR_ERR,
} from './libvirt-codes.js';
import { virshFailure } from './virsh-errors.js';

export type { KvmAction } from './error-text.js';
export type { LibvirtFailure } from './libvirt-codes.js';

/** What the driver knew when the call failed. */
export interface ErrorContext {
  action: KvmAction;
  guest?: string;
  snapshot?: string;
  /** The libvirt URI, named in connection errors. */
  uri?: string;
}

interface Failure extends LibvirtFailure {
  /** libvirt's message without its prefix. */
  reason: string;
  /** Everything libvirt or virsh said, for `detail`. */
  raw: string;
  /** The binding's error object, kept as the OpError's cause. */
  cause?: unknown;
}

type Rule = (f: Failure, ctx: ErrorContext) => OpError | undefined;

// The guest: from the context, else from libvirt's text (`no domain with matching name 'x'`).
const guestOf = (f: Failure, ctx: ErrorContext): string | undefined =>
  ctx.guest ?? /domain (?:with matching name )?'([^']+)'/.exec(f.message)?.[1];
const subject = (f: Failure, ctx: ErrorContext) => {
  const g = guestOf(f, ctx);
  return g === undefined ? 'The guest' : `Guest ${g}`;
};
const target = (f: Failure, ctx: ErrorContext) => {
  if (ctx.guest === undefined && GUESTLESS.has(ctx.action)) return VERBS[ctx.action];
  const g = guestOf(f, ctx);
  return `${VERBS[ctx.action]} ${g === undefined ? 'the guest' : `guest ${g}`}`;
};
const GUESTLESS: ReadonlySet<KvmAction> = new Set(['connect', 'info', 'capacity', 'list', 'watch']);

function op(code: ErrorCode, message: string, f: Failure, retryable?: boolean): OpError {
  return new OpError(code, message, {
    detail: f.raw,
    ...(retryable === undefined ? {} : { retryable }),
    ...(f.cause === undefined ? {} : { cause: f.cause }),
  });
}

const DENIED: ReadonlySet<number> = new Set([
  VIR_ERR.AUTH_FAILED,
  VIR_ERR.ACCESS_DENIED,
  VIR_ERR.OPERATION_DENIED,
]);
const DEAD_SOCKET_CODES: ReadonlySet<number> = new Set([
  VIR_ERR.SYSTEM_ERROR,
  VIR_ERR.RPC,
  VIR_ERR.INTERNAL_ERROR,
]);

const connection: Rule = (f, ctx) => {
  const uri = ctx.uri ?? 'the configured URI';
  if (/no connection driver available/.test(f.message)) {
    return op('HYPERVISOR', `libvirt has no driver for ${uri}; check kvm.uri in the config.`, f, false);
  }
  if (f.code !== undefined && DENIED.has(f.code)) {
    return op(
      'HYPERVISOR',
      `libvirtd at ${uri} refused access; check the worker's libvirt permissions.`,
      f,
      false,
    );
  }
  const dead =
    f.code === VIR_ERR.NO_CONNECT ||
    (f.code !== undefined && DEAD_SOCKET_CODES.has(f.code) && isConnectionMessage(f.message));
  if (!dead) return undefined;
  return op('HYPERVISOR', `Cannot reach libvirtd at ${uri}, so vpsops could not ${target(f, ctx)}.`, f, true);
};

const notFound: Rule = (f, ctx) => {
  if (f.code !== VIR_ERR.NO_DOMAIN) return undefined;
  return op('GUEST_NOT_FOUND', `${subject(f, ctx)} does not exist on this host.`, f);
};

const snapshotNotFound: Rule = (f, ctx) => {
  if (f.code !== VIR_ERR.NO_DOMAIN_SNAPSHOT) return undefined;
  if (/no current snapshot/.test(f.message)) {
    return op('SNAPSHOT_NOT_FOUND', `${subject(f, ctx)} has no current snapshot.`, f);
  }
  const snap = ctx.snapshot ?? /matching name '([^']*)'/.exec(f.message)?.[1];
  const which = snap === undefined ? 'such snapshot' : `snapshot named ${snap}`;
  return op('SNAPSHOT_NOT_FOUND', `${subject(f, ctx)} has no ${which}.`, f);
};

const stateConflict: Rule = (f, ctx) => {
  if (f.code !== VIR_ERR.OPERATION_INVALID && f.code !== VIR_ERR.INTERNAL_ERROR) return undefined;
  // An internal error only counts when it is about the domain's state (the test driver's wording).
  if (f.code === VIR_ERR.INTERNAL_ERROR && !/^domain\b/.test(f.reason)) return undefined;
  const s = subject(f, ctx);
  if (/not running|is not active|domain is shut off/.test(f.reason)) {
    return op('NOT_RUNNING', `${s} ${NOT_RUNNING[ctx.action] ?? 'is not running.'}`, f);
  }
  if (/already running|already active/.test(f.reason)) {
    return op('ALREADY_RUNNING', `${s} ${ALREADY_RUNNING[ctx.action] ?? 'is already running.'}`, f);
  }
  // The test driver says "not paused" for a resume of a running (or stopped) domain.
  if (/not paused/.test(f.reason)) {
    return op('ALREADY_RUNNING', `${s} is not paused, so there is nothing to resume.`, f);
  }
  if (f.code === VIR_ERR.OPERATION_INVALID) {
    return op('HYPERVISOR', `${s} cannot be ${pastTense(ctx.action)} in its current state: ${short(f)}.`, f);
  }
  return undefined;
};

const exists: Rule = (f, ctx) => {
  const dup =
    f.code === VIR_ERR.DOM_EXIST || (f.code === VIR_ERR.OPERATION_FAILED && /already exists/.test(f.reason));
  if (!dup) return undefined;
  if (ctx.snapshot !== undefined || /domain moment|snapshot/.test(f.reason)) {
    const snap = ctx.snapshot ?? /moment (\S+) already/.exec(f.reason)?.[1] ?? 'that name';
    return op('ALREADY_EXISTS', `${subject(f, ctx)} already has a snapshot named ${snap}.`, f);
  }
  const g = guestOf(f, ctx);
  return op('ALREADY_EXISTS', `A guest named ${g ?? 'like that'} already exists on this host.`, f);
};

const busy: Rule = (f, ctx) => {
  const lock = /state change lock/.test(f.reason) || f.code === VIR_ERR.RESOURCE_BUSY;
  if (lock) {
    return op(
      'LOCKED',
      `${subject(f, ctx)} is busy with another libvirt operation; try again in a moment.`,
      f,
      true,
    );
  }
  if (f.code !== VIR_ERR.OPERATION_TIMEOUT) return undefined;
  return op('TIMEOUT', `libvirt timed out while trying to ${target(f, ctx)}.`, f);
};

const unsupported: Rule = (f, ctx) => {
  const codes: number[] = [
    VIR_ERR.NO_SUPPORT,
    VIR_ERR.OPERATION_UNSUPPORTED,
    VIR_ERR.ARGUMENT_UNSUPPORTED,
    VIR_ERR.CONFIG_UNSUPPORTED,
  ];
  if (f.code === undefined || !codes.includes(f.code)) return undefined;
  if (/internal snapshot/.test(f.reason)) {
    return op(
      'UNSUPPORTED',
      `${subject(f, ctx)} cannot be snapshotted: its disk format has no snapshots (use qcow2).`,
      f,
    );
  }
  return op('UNSUPPORTED', `This host's libvirt cannot ${target(f, ctx)}.`, f);
};

const resources: Rule = (f, ctx) => {
  if (/No space left on device/i.test(f.message)) {
    return op('NO_SPACE', `The host ran out of disk space while trying to ${target(f, ctx)}.`, f);
  }
  if (/Cannot allocate memory|cannot set up guest memory/i.test(f.message)) {
    return op('RESOURCES', `The host lacks free memory to ${target(f, ctx)}.`, f);
  }
  return undefined;
};

const invalidArg: Rule = (f, ctx) => {
  if (f.code !== VIR_ERR.INVALID_ARG) return undefined;
  const s = subject(f, ctx);
  if (/higher than max memory/.test(f.reason)) {
    return op('BAD_INPUT', `${s} cannot get more memory than the maximum it was created with.`, f);
  }
  const cpuMax = /vcpus.*?(?:greater than|exceeds).*?\d+ > (\d+)/.exec(f.reason)?.[1];
  if (cpuMax !== undefined || /vcpus? .*(greater than|exceeds) max/i.test(f.reason)) {
    const max = cpuMax === undefined ? '' : ` of ${cpuMax}`;
    return op('BAD_INPUT', `${s} cannot get more vCPUs than the maximum${max} it was created with.`, f);
  }
  return op('BAD_INPUT', `libvirt refused a value while trying to ${target(f, ctx)}: ${short(f)}.`, f);
};

const other: Rule = (f, ctx) => {
  if (f.code === VIR_ERR.OPERATION_ABORTED) {
    return op('CANCELLED', `The attempt to ${target(f, ctx)} was cancelled.`, f);
  }
  if (f.code === VIR_ERR.AGENT_UNRESPONSIVE) {
    return op(
      'HYPERVISOR',
      `The guest agent in ${guestOf(f, ctx) ?? 'the guest'} is not responding; try again or force it.`,
      f,
      true,
    );
  }
  return undefined;
};

const RULES: readonly Rule[] = [
  connection,
  notFound,
  snapshotNotFound,
  resources,
  stateConflict,
  exists,
  busy,
  unsupported,
  invalidArg,
  other,
];

// libvirt's reason, one line, without a trailing period, short enough for a chat headline.
function short(f: Failure): string {
  const line = (f.reason.split('\n')[0] ?? '').trim().replace(/[.!]+$/, '');
  return line.length > 160 ? `${line.slice(0, 160)}…` : line || 'no error message';
}

function mapFailure(f: Failure, ctx: ErrorContext): OpError {
  for (const rule of RULES) {
    const e = rule(f, ctx);
    if (e) return e;
  }
  return op('HYPERVISOR', `Could not ${target(f, ctx)}: ${short(f)}.`, f);
}

/** An error object of the libvirt binding (`{ code, message }`, e.g. its LibvirtError) → OpError. */
export function libvirtError(err: LibvirtFailure, ctx: ErrorContext): OpError {
  const message = String(err.message ?? '').trim();
  const code = typeof err.code === 'number' ? err.code : codeFromMessage(message);
  const raw = code === undefined ? message : `libvirt error ${code}: ${message}`;
  return mapFailure({ code, message, reason: stripPrefix(message), raw, cause: err }, ctx);
}

/** A finished virsh call (exit code and output, as `run()` returns it). */
export interface VirshResult {
  exitCode: number;
  stderr: string;
  stdout?: string;
}

/**
 * Decides whether a virsh call failed: undefined on exit 0, else the OpError to throw.
 * virsh prints its own line (`error: Failed to suspend domain 'x'`) and then libvirt's message.
 */
export function virshError(res: VirshResult, ctx: ErrorContext): OpError | undefined {
  if (res.exitCode === 0) return undefined;
  const f = virshFailure(res.stderr);
  const raw = res.stderr.trim() || (res.stdout ?? '').trim() || `virsh exited with code ${res.exitCode}`;
  const message = f.message || `virsh exited with code ${res.exitCode}`;
  return mapFailure({ code: f.code, message, reason: stripPrefix(message), raw }, ctx);
}
