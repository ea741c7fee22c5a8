/** start, stop, restart, mount and umount. */
import type { CtConfig } from '../ct-config.js';
import { exists, removeQuietly } from '../fsutil.js';
import { freshKernel, loadKernel, saveKernel, stoppedKernel } from '../kernel.js';
import { emit, type Line } from '../log.js';
import { vpath } from '../paths.js';
import type { StartStopParams } from '../vzctl-args.js';
import { restoreFrom } from './checkpoint.js';
import {
  CLEANUP_LINES,
  type Ctx,
  cfgOf,
  commitKernel,
  delayOf,
  injected,
  ipInUse,
  privateExists,
  ruleLines,
  START_FAILED,
  setupLines,
} from './common.js';

/** A start that fails after the CT was set up: error lines, then vzctl's cleanup. */
async function failStart(ctx: Ctx, before: Line[], errors: Line[], code: number): Promise<number> {
  const lines: Line[] = [
    'Starting container...',
    ...before,
    ...errors,
    { err: START_FAILED },
    ...CLEANUP_LINES,
  ];
  await emit(ctx.log, lines, delayOf(ctx, 'start'));
  const k = loadKernel(ctx.host, ctx.ctid);
  if (k) saveKernel(ctx.host, ctx.ctid, stoppedKernel(k, false));
  return code;
}

/** Refusals that come before anything is done; undefined when the CT may start. */
function startRefusal(ctx: Ctx, cfg: CtConfig, p: StartStopParams, running: boolean): number | undefined {
  if (cfg.disabled && !p.force) {
    ctx.log.error('Container start disabled');
    return 105;
  }
  if (!privateExists(ctx, cfg)) {
    ctx.log.error(`Container private area ${cfg.privatePath} does not exist`);
    return 43;
  }
  if (running) {
    ctx.log.error('Container is already running');
    return 32;
  }
  return undefined;
}

export async function start(ctx: Ctx, p: StartStopParams): Promise<number> {
  const cfg = cfgOf(ctx);
  const k = loadKernel(ctx.host, ctx.ctid);
  const refused = startRefusal(ctx, cfg, p, k?.running === true);
  if (refused !== undefined) return refused;
  const dump = vpath.dump(ctx.ctid);
  if (exists(ctx.host.real(dump))) {
    ctx.log.info(`Dump file ${dump} exists, trying to restore from it`);
    await restoreFrom(ctx, dump, 'start');
    removeQuietly(ctx.host.real(dump));
    return 0;
  }
  const mounted = k?.mounted ? [] : ['Container is mounted'];
  const rule = injected(ctx, 'start');
  if (rule) return failStart(ctx, mounted, ruleLines(rule), rule.exitCode);
  const clash = ipInUse(ctx.host, ctx.ctid, cfg.ips);
  if (clash) {
    const adding = `Adding IP address(es): ${cfg.ips.join(' ')}`;
    return failStart(
      ctx,
      [...mounted, adding],
      [{ err: `Unable to add IP ${clash}: Address already in use` }],
      78,
    );
  }
  const tail = p.wait
    ? ['Container start in progress, waiting ...', 'Container started successfully']
    : ['Container start in progress...'];
  await emit(
    ctx.log,
    ['Starting container...', ...mounted, ...setupLines(cfg), ...tail],
    delayOf(ctx, 'start'),
  );
  commitKernel(ctx.host, ctx.ctid, freshKernel(cfg));
  return 0;
}

export async function stop(ctx: Ctx, p: StartStopParams): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (!k?.running) {
    // vzctl has exited 0 here "for compatibility" since 2005.
    ctx.log.error('Unable to stop: container is not running');
    return 0;
  }
  const first = p.fast ? 'Killing container ...' : 'Stopping container ...';
  const rule = injected(ctx, 'stop');
  if (rule) {
    await emit(ctx.log, [first, ...ruleLines(rule)], delayOf(ctx, 'stop'));
    return rule.exitCode;
  }
  const lines = [first, 'Container was stopped', ...(p.skipUmount ? [] : ['Container is unmounted'])];
  await emit(ctx.log, lines, delayOf(ctx, 'stop'));
  commitKernel(ctx.host, ctx.ctid, stoppedKernel(k, p.skipUmount));
  return 0;
}

export async function restart(ctx: Ctx, p: StartStopParams): Promise<number> {
  ctx.log.info('Restarting container');
  const own = delayOf(ctx, 'restart');
  if (own > 0) ctx.delayOverride = { stop: own / 2, start: own / 2 };
  if (loadKernel(ctx.host, ctx.ctid)?.running) {
    const code = await stop(ctx, p);
    if (code !== 0) return code;
  }
  return start(ctx, p);
}

export async function mount(ctx: Ctx): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (k?.mounted || k?.running) {
    ctx.log.error('Container is already mounted');
    return 0;
  }
  const cfg = cfgOf(ctx);
  if (!privateExists(ctx, cfg)) {
    ctx.log.error(`Container private area ${cfg.privatePath} does not exist`);
    return 43;
  }
  const rule = injected(ctx);
  if (rule) return emit(ctx.log, ruleLines(rule), delayOf(ctx)).then(() => rule.exitCode);
  await emit(ctx.log, ['Container is mounted'], delayOf(ctx));
  commitKernel(ctx.host, ctx.ctid, stoppedKernel(k, true));
  return 0;
}

export async function umount(ctx: Ctx): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (k?.running) {
    ctx.log.error('Container is running -- stop it first');
    return 32;
  }
  if (!k?.mounted) {
    ctx.log.error('CT is not mounted');
    return 40;
  }
  const rule = injected(ctx);
  if (rule) return emit(ctx.log, ruleLines(rule), delayOf(ctx)).then(() => rule.exitCode);
  await emit(ctx.log, ['Container is unmounted'], delayOf(ctx));
  commitKernel(ctx.host, ctx.ctid, stoppedKernel(k, false));
  return 0;
}
