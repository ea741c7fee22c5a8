/**
 * `vzsim`: the simulator's own control tool, for demos and tests.
 *   vzsim crash CTID | failcnt CTID RESOURCE N | delay ACTION MS
 *   vzsim inject ACTION CTID|all EXITCODE [STDERR] [TIMES] | clear-injections
 */
import { bumpFailcnt, clearAll, crashCt, inject, setDelay } from './control.js';
import { currentHost, type Host } from './paths.js';

const USAGE = `Usage: vzsim <command> [args]
  crash CTID                         make a running CT die silently, as in a kernel crash
  failcnt CTID RESOURCE N            add N to a beancounter failcnt (e.g. physpages)
  delay ACTION MS                    make ACTION (start, stop, ...) take MS milliseconds (0 = none)
  inject ACTION CTID|all CODE [STDERR] [TIMES]
                                     make the next ACTION on CTID fail with exit CODE
  clear-injections                   drop every pending injection
`;

/** A mistake in the command line (usage is shown), as opposed to a refused action. */
class UsageError extends Error {}

function int(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text))
    throw new UsageError(`${what} must be a number, got ${text ?? 'nothing'}`);
  return Number(text);
}

function injectArgs(host: Host, [action = '', target, code, stderr, times]: string[]): void {
  inject(host, {
    action,
    ...(target === 'all' ? {} : { ctid: int(target, 'CTID') }),
    exitCode: int(code, 'CODE'),
    ...(stderr !== undefined ? { stderr } : {}),
    ...(times !== undefined ? { times: int(times, 'TIMES') } : {}),
  });
}

function run(host: Host, [cmd, ...args]: string[]): void {
  if (cmd === 'crash') crashCt(host, int(args[0], 'CTID'));
  else if (cmd === 'failcnt') bumpFailcnt(host, int(args[0], 'CTID'), args[1] ?? '', int(args[2], 'N'));
  else if (cmd === 'delay') setDelay(host, args[0] ?? '', int(args[1], 'MS'));
  else if (cmd === 'inject') injectArgs(host, args);
  else if (cmd === 'clear-injections') clearAll(host);
  else throw new UsageError(cmd === undefined ? 'no command given' : `unknown command: ${cmd}`);
}

const argv = process.argv.slice(2);
if (argv[0] === 'help' || argv[0] === '--help') {
  process.stdout.write(USAGE);
} else {
  try {
    run(currentHost(), argv);
  } catch (err) {
    const usage = err instanceof UsageError ? USAGE : '';
    process.stderr.write(`vzsim: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
    process.exitCode = 1;
  }
}
