/** The vzctl commands: how each parses its options, whether it takes the CT lock, and what runs. */

import { loadKernel } from '../kernel.js';
import type { Logger } from '../log.js';
import { direct } from '../log.js';
import type { Host } from '../paths.js';
import { parseCreate, parseSet } from '../set-args.js';
import { readSettings } from '../sim-config.js';
import {
  type ArgsResult,
  parseCheckpoint,
  parseNoOptions,
  parseSnapshot,
  parseStartStop,
} from '../vzctl-args.js';
import { resume, suspend } from './checkpoint.js';
import type { Ctx } from './common.js';
import { create, destroy } from './create.js';
import { mount, restart, start, stop, umount } from './lifecycle.js';
import { exec, status } from './misc.js';
import { set } from './set.js';
import { snapshotCreate, snapshotDelete, snapshotSwitch } from './snapshot.js';
import { snapshotList } from './snapshot-list.js';

export interface ActionDef {
  /** Canonical name; also the key of its delay and injections. */
  name: string;
  /** exec, exec2, enter and status run without the CT lock. */
  lock: boolean;
  parse(args: readonly string[], log: Logger, host: Host): ArgsResult<unknown>;
  run(ctx: Ctx, params: unknown, rest: readonly string[]): Promise<number> | number;
}

function def<P>(
  name: string,
  lock: boolean,
  parse: (args: readonly string[], log: Logger, host: Host) => ArgsResult<P>,
  run: (ctx: Ctx, params: P, rest: readonly string[]) => Promise<number> | number,
): ActionDef {
  return { name, lock, parse, run: (ctx, params, rest) => run(ctx, params as P, rest) };
}

/** exec-style commands want at least one word of command line. */
function commandLine(args: readonly string[]): ArgsResult<null> {
  if (args.length === 0) {
    direct.err('No command line given for exec');
    return { ok: false, code: 20 };
  }
  return { ok: true, params: null, rest: [...args] };
}

const passThrough = (args: readonly string[]): ArgsResult<null> => ({
  ok: true,
  params: null,
  rest: [...args],
});

function enter(ctx: Ctx): number {
  if (!loadKernel(ctx.host, ctx.ctid)?.running) {
    ctx.log.error('Container is not running');
    return 31;
  }
  ctx.log.info(`entered into CT ${ctx.ctid}`);
  ctx.log.info(`exited from CT ${ctx.ctid}`);
  return 0;
}

const startStop = (name: 'start' | 'stop' | 'restart', run: typeof start) =>
  def(name, true, (a) => parseStartStop(a, name), run);

const DEFS: ActionDef[] = [
  def('set', true, (a, log, host) => parseSet(a, readSettings(host).cpus, log), set),
  def('create', true, (a, log) => parseCreate(a, log), create),
  startStop('start', start),
  startStop('stop', stop),
  startStop('restart', restart),
  def('destroy', true, parseNoOptions, (ctx) => destroy(ctx)),
  def('mount', true, parseNoOptions, (ctx) => mount(ctx)),
  def('umount', true, parseNoOptions, (ctx) => umount(ctx)),
  def('status', false, parseNoOptions, (ctx) => status(ctx)),
  def('suspend', true, parseCheckpoint, (ctx) => suspend(ctx)),
  def('resume', true, parseCheckpoint, (ctx) => resume(ctx)),
  def('exec', false, commandLine, (ctx, _p, rest) => exec(ctx, rest, false)),
  def('exec2', false, commandLine, (ctx, _p, rest) => exec(ctx, rest, true)),
  def('enter', false, passThrough, (ctx) => enter(ctx)),
  def('snapshot', true, (a, log) => parseSnapshot(a, 'snapshot', log), snapshotCreate),
  def('snapshot-switch', true, (a, log) => parseSnapshot(a, 'snapshot-switch', log), snapshotSwitch),
  def('snapshot-delete', true, (a, log) => parseSnapshot(a, 'snapshot-delete', log), snapshotDelete),
  def('snapshot-list', true, passThrough, (ctx, _p, rest) => snapshotList(ctx, rest)),
];

const ALIASES: Record<string, string> = { delete: 'destroy', chkpnt: 'suspend', restore: 'resume' };

/** The action behind a command word (aliases included), if vzctl knows it. */
export function findAction(command: string): ActionDef | undefined {
  const name = ALIASES[command] ?? command;
  return DEFS.find((d) => d.name === name);
}
