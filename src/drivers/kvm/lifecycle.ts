/**
 * start, shutdown (ACPI, then wait, then fail or power off), powerOff, reboot, suspend, resume.
 * The binding does all but reboot, which goes through `virsh reboot` (the binding has none);
 * on the test driver a reboot is a shutdown and a start through the binding.
 */
import { OpError } from '../../model/errors.js';
import type { OpContext, ShutdownOptions } from '../../model/hypervisor.js';
import { humanDuration } from '../human.js';
import { delay, type KvmContext } from './context.js';
import { DomainState } from './states.js';
import { checkDomainName } from './validate.js';

/** States in which a domain is off: shut off, or crashed (which libvirt also counts as inactive). */
function isOff(state: number): boolean {
  return state === DomainState.SHUTOFF || state === DomainState.CRASHED;
}

export async function start(k: KvmContext, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  ctx.progress?.(5, 'starting guest');
  await k.lv.domain('start', name, (c, d) => c.domainCreate(d));
  ctx.progress?.(100, 'guest started');
}

export async function shutdown(
  k: KvmContext,
  id: string,
  opts: ShutdownOptions,
  ctx: OpContext,
): Promise<void> {
  const name = checkDomainName(id);
  const timeoutMs = opts.timeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new OpError(
      'BAD_INPUT',
      `The shutdown timeout must be a positive duration, got ${String(timeoutMs)}.`,
    );
  }
  ctx.progress?.(5, 'asking the guest to shut down');
  await k.lv.domain('shutdown', name, (c, d) => c.domainShutdown(d));
  if (await waitUntilOff(k, name, timeoutMs, ctx)) {
    ctx.progress?.(100, 'guest shut down');
    return;
  }
  if (!opts.force) {
    throw new OpError(
      'TIMEOUT',
      `${name} did not shut down within ${humanDuration(timeoutMs)}; use force=yes to power it off.`,
    );
  }
  k.log.info({ guest: name, timeoutMs }, 'graceful shutdown timed out; powering off');
  ctx.progress?.(80, 'graceful shutdown timed out; powering off');
  await destroyIfRunning(k, name);
  ctx.progress?.(100, 'guest powered off');
}

export async function powerOff(k: KvmContext, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  ctx.progress?.(5, 'powering off');
  await k.lv.domain('powerOff', name, (c, d) => c.domainDestroy(d));
  ctx.progress?.(100, 'guest powered off');
}

export async function reboot(k: KvmContext, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  if (k.testDriver) return rebootThroughBinding(k, name, ctx);
  ctx.progress?.(5, 'asking the guest to reboot');
  await k.virsh.ok(['reboot', '--domain', name], { action: 'reboot', guest: name, signal: ctx.signal });
  ctx.progress?.(100, 'reboot requested');
}

export async function suspend(k: KvmContext, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  ctx.progress?.(5, 'suspending guest');
  await k.lv.domain('suspend', name, (c, d) => c.domainSuspend(d));
  ctx.progress?.(100, 'guest suspended');
}

export async function resume(k: KvmContext, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  ctx.progress?.(5, 'resuming guest');
  await k.lv.domain('resume', name, (c, d) => c.domainResume(d));
  ctx.progress?.(100, 'guest resumed');
}

/** The virDomainState number of a domain (binding; no reason). */
export function domainState(
  k: KvmContext,
  name: string,
  action: 'shutdown' | 'destroy' | 'resize' = 'shutdown',
) {
  return k.lv.domain(action, name, async (c, d) => (await c.domainGetInfo(d)).state);
}

/** Powers a domain off unless it already is (it may have stopped on its own meanwhile). */
export async function destroyIfRunning(k: KvmContext, name: string): Promise<void> {
  try {
    await k.lv.domain('powerOff', name, (c, d) => c.domainDestroy(d));
  } catch (err) {
    if (!(err instanceof OpError && err.code === 'NOT_RUNNING')) throw err;
  }
}

/** Polls the state until the domain is off; false when `timeoutMs` passed first. */
async function waitUntilOff(
  k: KvmContext,
  name: string,
  timeoutMs: number,
  ctx: OpContext,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (isOff(await domainState(k, name))) return true;
    const left = deadline - Date.now();
    if (left <= 0) return false;
    await delay(Math.min(k.pollIntervalMs, left), ctx.signal);
  }
}

// The test driver's shutdown is instant; a short wait covers any other in-process driver.
const TEST_REBOOT_WAIT_MS = 10_000;

async function rebootThroughBinding(k: KvmContext, name: string, ctx: OpContext): Promise<void> {
  const state = await domainState(k, name);
  if (state !== DomainState.RUNNING && state !== DomainState.BLOCKED) {
    throw new OpError(
      'NOT_RUNNING',
      `Guest ${name} is not running, so it cannot be rebooted; start it instead.`,
    );
  }
  ctx.progress?.(10, 'shutting the guest down');
  await k.lv.domain('reboot', name, (c, d) => c.domainShutdown(d));
  if (!(await waitUntilOff(k, name, TEST_REBOOT_WAIT_MS, ctx))) {
    throw new OpError(
      'TIMEOUT',
      `${name} did not shut down within ${humanDuration(TEST_REBOOT_WAIT_MS)} for its reboot.`,
    );
  }
  ctx.progress?.(60, 'starting the guest again');
  await k.lv.domain('reboot', name, (c, d) => c.domainCreate(d));
  ctx.progress?.(100, 'guest rebooted');
}
