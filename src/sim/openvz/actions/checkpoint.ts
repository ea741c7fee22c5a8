/** suspend (chkpnt) and resume (restore): the CT's kernel state goes into a dump file and back. */
import { atomicWrite, exists, readText, removeQuietly } from '../fsutil.js';
import { decodeKernel, encodeKernel, freshKernel, loadKernel, stoppedKernel } from '../kernel.js';
import { emit, type Line } from '../log.js';
import { vpath } from '../paths.js';
import { type Ctx, cfgOf, commitKernel, delayOf, failWith, injected } from './common.js';

/**
 * Brings a CT back from a dump (the default one, or a snapshot's). The dump holds the kernel state
 * at checkpoint time, so counters and uptime continue where they were.
 */
export async function restoreFrom(ctx: Ctx, dumpHostPath: string, delayAction: string): Promise<void> {
  const cfg = cfgOf(ctx);
  const saved = decodeKernel(readText(ctx.host.real(dumpHostPath)) ?? '');
  const state = saved ?? freshKernel(cfg);
  const lines: Line[] = ['Restoring container ...', 'Container is mounted', '\tundump...'];
  if (state.ips.length) lines.push(`Adding IP address(es): ${state.ips.join(' ')}`);
  lines.push('\tresume...', 'Restoring completed successfully');
  await emit(ctx.log, lines, delayOf(ctx, delayAction));
  commitKernel(ctx.host, ctx.ctid, { ...state, running: true, mounted: true });
}

export async function suspend(ctx: Ctx): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (!k?.running) {
    ctx.log.error('Unable to setup checkpointing: container is not running');
    return 31;
  }
  const rule = injected(ctx);
  if (rule) return failWith(ctx, ['Setting up checkpoint...', '\tsuspend...'], rule);
  const lines = [
    'Setting up checkpoint...',
    '\tsuspend...',
    '\tdump...',
    '\tkill...',
    'Checkpointing completed successfully',
    'Container is unmounted',
  ];
  await emit(ctx.log, lines, delayOf(ctx));
  atomicWrite(ctx.host.real(vpath.dump(ctx.ctid)), encodeKernel(k));
  commitKernel(ctx.host, ctx.ctid, stoppedKernel(k, false));
  return 0;
}

export async function resume(ctx: Ctx): Promise<number> {
  const k = loadKernel(ctx.host, ctx.ctid);
  if (k?.running) {
    ctx.log.error('Unable to perform restore: container already running');
    return 32;
  }
  const dump = vpath.dump(ctx.ctid);
  if (!exists(ctx.host.real(dump))) {
    ctx.log.error(`Unable to open ${dump}: No such file or directory`);
    return 17;
  }
  const rule = injected(ctx);
  if (rule) return failWith(ctx, ['Restoring container ...'], rule);
  await restoreFrom(ctx, dump, 'resume');
  removeQuietly(ctx.host.real(dump));
  return 0;
}
