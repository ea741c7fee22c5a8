/**
 * Option parsing of the vzctl actions, with the exit codes the real parsers give: unknown options
 * are 21 for parse_opt-style actions (set, create, snapshot*) and 20 for start/stop-style ones.
 */
import { getoptLong } from './getopt.js';
import { direct, type Logger } from './log.js';

/** One option: its name, whether it takes a value, and how it lands in the params (false = bad value). */
export interface OptSpec<P> {
  name: string;
  arg: boolean;
  handle: (params: P, value: string) => boolean;
}

export type ArgsResult<P> = { ok: true; params: P; rest: string[] } | { ok: false; code: number };

/** Runs getopt over `args` and feeds each option to its handler. */
export function parseOptions<P>(
  args: readonly string[],
  specs: readonly OptSpec<P>[],
  params: P,
  log: Logger,
  opts: { unknownCode: number; allowRest?: boolean },
): ArgsResult<P> {
  const res = getoptLong('vzctl', args, specs);
  if (res.error) {
    direct.err(res.error);
    return { ok: false, code: opts.unknownCode };
  }
  for (const o of res.options) {
    const spec = specs.find((s) => s.name === o.name);
    if (spec && !spec.handle(params, o.value ?? '')) {
      log.error(`Bad parameter for --${o.name}: ${o.value ?? ''}`);
      return { ok: false, code: 21 };
    }
  }
  if (res.rest.length && !opts.allowRest) {
    direct.err(`Invalid extra arguments: ${res.rest.map((a) => `${a} `).join('')}`);
    return { ok: false, code: 20 };
  }
  return { ok: true, params, rest: res.rest };
}

/** A flag option that just sets a boolean. */
export function flag<P>(name: string, set: (p: P) => void): OptSpec<P> {
  return {
    name,
    arg: false,
    handle: (p) => {
      set(p);
      return true;
    },
  };
}

/** An option that takes any value. */
export function text<P>(name: string, set: (p: P, v: string) => void): OptSpec<P> {
  return {
    name,
    arg: true,
    handle: (p, v) => {
      set(p, v);
      return true;
    },
  };
}

export interface StartStopParams {
  force: boolean;
  wait: boolean;
  fast: boolean;
  skipUmount: boolean;
}

const START_ONLY = new Set(['force', 'skip_ve_setup', 'wait', 'skip-fsck', 'skip-remount']);
const STOP_ONLY = new Set(['fast', 'skip-umount']);
const START_STOP_OPTS = [...START_ONLY, ...STOP_ONLY].map((name) => ({ name, arg: false }));

/** start/stop/restart options; an option of the other command is refused as in vzctl. */
export function parseStartStop(
  args: readonly string[],
  command: 'start' | 'stop' | 'restart',
): ArgsResult<StartStopParams> {
  const res = getoptLong('vzctl', args, START_STOP_OPTS);
  if (res.error) {
    direct.err(res.error);
    return { ok: false, code: 20 };
  }
  const params: StartStopParams = { force: false, wait: false, fast: false, skipUmount: false };
  for (const { name } of res.options) {
    const allowed = command === 'restart' || (command === 'start' ? START_ONLY : STOP_ONLY).has(name);
    if (!allowed) {
      direct.err(`Option --${name} is not applicable to ${command} command`);
      return { ok: false, code: 20 };
    }
    if (name === 'force') params.force = true;
    if (name === 'wait') params.wait = true;
    if (name === 'fast') params.fast = true;
    if (name === 'skip-umount') params.skipUmount = true;
  }
  if (res.rest.length) {
    direct.err(`Invalid extra arguments: ${res.rest.map((a) => `${a} `).join('')}`);
    return { ok: false, code: 20 };
  }
  return { ok: true, params, rest: [] };
}

const CHKPNT_OPTS = ['dump', 'suspend', 'resume', 'kill', 'skip_arpdetect', 'undump'].map((name) => ({
  name,
  arg: false,
}));
const CHKPNT_VALUE_OPTS = ['flags', 'context', 'dumpfile'].map((name) => ({ name, arg: true }));

/** suspend/resume accept their sub-commands and a dump file; the simulator ignores the details. */
export function parseCheckpoint(args: readonly string[]): ArgsResult<Record<string, never>> {
  const res = getoptLong('vzctl', args, [...CHKPNT_OPTS, ...CHKPNT_VALUE_OPTS]);
  if (res.error) {
    direct.err(res.error);
    return { ok: false, code: 20 };
  }
  if (res.rest.length) {
    direct.err(`Invalid extra arguments: ${res.rest.map((a) => `${a} `).join('')}`);
    return { ok: false, code: 20 };
  }
  return { ok: true, params: {}, rest: [] };
}

/** Actions that take no options at all (default branch of parse_action_opt). */
export function parseNoOptions(args: readonly string[]): ArgsResult<Record<string, never>> {
  if (args.length) {
    direct.err(`Invalid options: ${args.map((a) => `${a} `).join('')}`);
    return { ok: false, code: 20 };
  }
  return { ok: true, params: {}, rest: [] };
}

const GUID_RE = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

/** vzctl_get_normalized_guid: braces optional on input, always present on output. */
export function normalizeGuid(text: string): string | undefined {
  const m = GUID_RE.exec(text);
  if (!m || text.startsWith('{') !== text.endsWith('}')) return undefined;
  return `{${(m[1] ?? '').toLowerCase()}}`;
}

export interface SnapshotParams {
  id?: string;
  name?: string;
  description?: string;
  skipSuspend: boolean;
  skipConfig: boolean;
  skipResume: boolean;
  mustResume: boolean;
}

const guidOpt = (name: string): OptSpec<SnapshotParams> => ({
  name,
  arg: true,
  handle: (p, v) => {
    p.id = normalizeGuid(v);
    return p.id !== undefined;
  },
});

const SNAPSHOT_SPECS: Record<'snapshot' | 'snapshot-switch' | 'snapshot-delete', OptSpec<SnapshotParams>[]> =
  {
    snapshot: [
      guidOpt('id'),
      guidOpt('uuid'),
      text('name', (p, v) => {
        p.name = v;
      }),
      text('description', (p, v) => {
        p.description = v;
      }),
      flag('skip-suspend', (p) => {
        p.skipSuspend = true;
      }),
      flag('skip-config', (p) => {
        p.skipConfig = true;
      }),
    ],
    'snapshot-switch': [
      guidOpt('id'),
      guidOpt('uuid'),
      flag('skip-resume', (p) => {
        p.skipResume = true;
      }),
      flag('must-resume', (p) => {
        p.mustResume = true;
      }),
      flag('skip-config', (p) => {
        p.skipConfig = true;
      }),
    ],
    'snapshot-delete': [guidOpt('id'), guidOpt('uuid')],
  };

/** Options of snapshot, snapshot-switch and snapshot-delete (the latter two need --id). */
export function parseSnapshot(
  args: readonly string[],
  command: 'snapshot' | 'snapshot-switch' | 'snapshot-delete',
  log: Logger,
): ArgsResult<SnapshotParams> {
  const params: SnapshotParams = {
    skipSuspend: false,
    skipConfig: false,
    skipResume: false,
    mustResume: false,
  };
  const res = parseOptions(args, SNAPSHOT_SPECS[command], params, log, { unknownCode: 21 });
  if (res.ok && command !== 'snapshot' && params.id === undefined) {
    log.error('Invalid syntax: snapshot id is missing');
    return { ok: false, code: 20 };
  }
  return res;
}
