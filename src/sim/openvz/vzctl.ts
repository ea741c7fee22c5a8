/**
 * The simulated `vzctl` (legacy OpenVZ, vzctl 4.11.1). Checks happen in vzctl's order: command,
 * CTID, action options, CT0, config existence, lock, then the action itself.
 */
import type { Ctx } from './actions/common.js';
import { findAction } from './actions/registry.js';
import { findByName, readConf } from './ct-config.js';
import { lockCt, unlockCt } from './lock.js';
import { Logger } from './log.js';
import { currentHost, type Host, VEID_MAX } from './paths.js';

const USAGE = `vzctl version 4.11.1
Copyright (C) 2000-2012, Parallels, Inc.
This program may be distributed under the terms of the GNU GPL License.

Usage: vzctl [options] <command> <ctid> [parameters]

vzctl create <ctid> [--ostemplate <name>] [--config <name>]
   [--layout ploop|simfs] [--hostname <name>] [--name <name>] [--ipadd <addr>]
   [--diskspace <kbytes>] [--private <path>] [--root <path>]
vzctl start <ctid> [--force] [--wait]
vzctl destroy | mount | umount | stop | restart | status <ctid>
vzctl snapshot <ctid> [--id <uuid>] [--name <name>] [--description <desc>]
   [--skip-suspend]
vzctl snapshot-switch | snapshot-delete <ctid> --id <uuid>
vzctl snapshot-list <ctid> [-H] [-o field[,field...]] [--id <uuid>]
vzctl enter <ctid> [--exec <command> [arg ...]]
vzctl exec | exec2 <ctid> <command> [arg ...]
vzctl suspend | resume <ctid> [--dumpfile <name>]
vzctl set <ctid> [--save] [--force] [--setmode restart|ignore]
   [--ram <bytes>[KMG]] [--swap <bytes>[KMG]]
   [--ipadd <addr>] [--ipdel <addr>|all] [--hostname <name>]
   [--nameserver <addr>] [--searchdomain <name>]
   [--onboot yes|no] [--bootorder <N>]
   [--cpuunits <N>] [--cpulimit <N>] [--cpus <N>]
   [--diskspace <soft>[:<hard>]] [--diskinodes <soft>[:<hard>]]
   [--features <name:on|off>] [--name <vename>] [--ioprio <N>]
   [--description <desc>] [--disabled <yes|no>]
   [UBC parameters]

UBC parameters (N - items, P - pages, B - bytes):
Two numbers divided by colon means barrier:limit.
In case the limit is not given it is set to the same value as the barrier.
   --numproc N[:N]\t--numtcpsock N[:N]\t--numothersock N[:N]
   --vmguarpages P[:P]\t--kmemsize B[:B]\t--tcpsndbuf B[:B]
   --tcprcvbuf B[:B]\t--othersockbuf B[:B]\t--dgramrcvbuf B[:B]
   --oomguarpages P[:P]\t--lockedpages P[:P]\t--privvmpages P[:P]
   --shmpages P[:P]\t--numfile N[:N]\t\t--numflock N[:N]
   --numpty N[:N]\t--numsiginfo N[:N]\t--dcachesize N[:N]
   --numiptent N[:N]\t--physpages P[:P]\t--avnumproc N[:N]
   --swappages P[:P]
`;

interface GlobalFlags {
  verbose: number;
  quiet: boolean;
  skiplock: boolean;
  rest: string[];
}

/** Flags before the command; `--version` answers at once (undefined). */
function globalFlags(argv: readonly string[]): GlobalFlags | undefined {
  const flags: GlobalFlags = { verbose: 0, quiet: false, skiplock: false, rest: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--verbose') flags.verbose++;
    else if (a === '--quiet') flags.quiet = true;
    else if (a === '--skiplock') flags.skiplock = true;
    else if (a === '--version') return undefined;
    else break;
  }
  flags.rest = argv.slice(i);
  return flags;
}

/** A decimal CTID, or a CT name; undefined for "Bad CT ID". */
function resolveCtid(host: Host, arg: string): number | undefined {
  const id = /^-?\d+$/.test(arg) ? Number(arg) : (findByName(host, arg) ?? -1);
  return id < 0 || id > VEID_MAX ? undefined : id;
}

async function runLocked(ctx: Ctx, skiplock: boolean, body: () => Promise<number> | number): Promise<number> {
  if (skiplock) return body();
  const got = lockCt(ctx.host, ctx.ctid, ctx.log);
  if (got !== 'locked') {
    ctx.log.error(got === 'busy' ? 'Container already locked' : 'Unable to lock container');
    return got === 'busy' ? 9 : 3;
  }
  try {
    return await body();
  } finally {
    unlockCt(ctx.host, ctx.ctid);
  }
}

/** Prints usage-type errors (never silenced by --quiet) and hands back the exit code. */
function fail(code: number, ...messages: string[]): number {
  for (const m of messages) process.stderr.write(m.endsWith('\n') ? m : `${m}\n`);
  return code;
}

async function main(argv: readonly string[]): Promise<number> {
  const flags = globalFlags(argv);
  if (!flags || flags.rest[0] === '--help') {
    process.stdout.write(flags ? USAGE : 'vzctl version 4.11.1\n');
    return 0;
  }
  const [command, idArg, ...args] = flags.rest;
  if (command === undefined) return fail(20, USAGE);
  const action = findAction(command);
  if (!action) return fail(20, `Bad command: ${command}`, USAGE);
  if (idArg === undefined) return fail(21, 'CT ID missing');
  const host = currentHost();
  const ctid = resolveCtid(host, idArg);
  if (ctid === undefined) return fail(21, `Bad CT ID ${idArg}`);
  // status prints its line with printf; everything else it might say is silenced.
  const log = new Logger(flags.quiet || action.name === 'status', flags.verbose);
  const parsed = action.parse(args, log, host);
  if (!parsed.ok) return parsed.code;
  if (ctid === 0 && action.name !== 'set') return fail(21, 'Only set actions are allowed for CT0');
  const conf = readConf(host, ctid);
  if (!conf && !['create', 'status', 'set'].includes(action.name)) {
    log.error('Container config file does not exist');
    return 14;
  }
  const ctx: Ctx = { host, ctid, log, action: action.name, ...(conf ? { conf } : {}) };
  const body = () => action.run(ctx, parsed.params, parsed.rest);
  return action.lock ? runLocked(ctx, flags.skiplock, body) : body();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `vzctl: internal simulator error: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exitCode = 3;
  },
);
