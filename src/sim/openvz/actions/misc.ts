/** status (no lock, always exit 0) and exec/exec2 (no lock; nothing is really run). */
import { ctConfig } from '../ct-config.js';
import { exists } from '../fsutil.js';
import { loadKernel } from '../kernel.js';
import { vpath } from '../paths.js';
import { type Ctx, injected, ruleLines } from './common.js';

export function status(ctx: Ctx): number {
  const { host, ctid } = ctx;
  const privatePath = ctx.conf ? ctConfig(host, ctid, ctx.conf).privatePath : vpath.private(ctid);
  const exist = ctx.conf !== undefined && exists(host.real(privatePath));
  const k = loadKernel(host, ctid);
  const running = k?.running === true;
  const suspended = exist && !running && exists(host.real(vpath.dump(ctid)));
  const words = [
    `CTID ${ctid}`,
    exist ? 'exist' : 'deleted',
    k?.mounted || running ? 'mounted' : 'unmounted',
    running ? 'running' : 'down',
  ];
  process.stdout.write(`${words.join(' ')}${suspended ? ' suspended' : ''}\n`);
  return 0;
}

/** The exit status of the "command": a few shell words are understood, anything else succeeds. */
function emulate(words: readonly string[]): number {
  const [cmd, arg] = words.join(' ').trim().split(/\s+/);
  if (cmd === 'false') return 1;
  if (cmd === 'exit') return Number.parseInt(arg ?? '0', 10) & 255;
  return 0;
}

/** exec maps every failure to 8; exec2 passes the status through (31 when the CT is down). */
export function exec(ctx: Ctx, words: readonly string[], exec2: boolean): number {
  const joined = words.map((w) => (w === '' ? "''" : w)).join(' ');
  if (!loadKernel(ctx.host, ctx.ctid)?.running) {
    ctx.log.error('Container is not running');
    return exec2 ? 31 : 8;
  }
  ctx.log.debug(`Executing command: ${joined} `);
  const rule = injected(ctx, exec2 ? 'exec2' : 'exec');
  let code = emulate(words);
  if (rule) {
    for (const line of ruleLines(rule)) {
      if (typeof line === 'string') process.stdout.write(`${line}\n`);
      else process.stderr.write(`${line.err}\n`);
    }
    code = rule.exitCode;
  }
  return exec2 || code === 0 ? code : 8;
}
