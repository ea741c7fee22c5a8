/**
 * Simulation hooks that no real tool offers: crash a CT, grow a fail counter, set delays and
 * inject failures. Shared by the `vzsim` executable and `simControl()`.
 */
import { loadKernel, saveKernel, stoppedKernel } from './kernel.js';
import type { Host } from './paths.js';
import { regenerateProc } from './proc.js';
import { addInjection, clearInjections, type InjectRule, updateSettings } from './sim-config.js';
import { isUbcName } from './ubc.js';

/** Kills a running CT as a kernel crash would: stopped, unmounted, no beancounter, no message. */
export function crashCt(host: Host, ctid: number): void {
  const k = loadKernel(host, ctid);
  if (!k?.running) throw new Error(`CT ${ctid} is not running`);
  saveKernel(host, ctid, stoppedKernel(k, false));
  regenerateProc(host);
}

/** Adds `by` to the failcnt of one beancounter resource of a running CT. */
export function bumpFailcnt(host: Host, ctid: number, resource: string, by: number): void {
  if (!isUbcName(resource)) throw new Error(`unknown beancounter resource: ${resource}`);
  if (!Number.isInteger(by) || by < 0)
    throw new Error(`failcnt increment must be a non-negative integer: ${by}`);
  const k = loadKernel(host, ctid);
  if (!k?.running) throw new Error(`CT ${ctid} is not running`);
  k.failcnt[resource] = (k.failcnt[resource] ?? 0) + by;
  saveKernel(host, ctid, k);
  regenerateProc(host);
}

/** Sets how long an action takes (0 removes the delay). */
export function setDelay(host: Host, action: string, ms: number): void {
  if (!Number.isFinite(ms) || ms < 0) throw new Error(`delay must be a non-negative number of ms: ${ms}`);
  updateSettings(host, (s) => {
    if (ms > 0) s.delays[action] = ms;
    else delete s.delays[action];
  });
}

export function inject(host: Host, rule: InjectRule): void {
  if (!rule.action || !Number.isInteger(rule.exitCode))
    throw new Error('an injection needs an action and an exitCode');
  addInjection(host, rule);
}

export function clearAll(host: Host): void {
  clearInjections(host);
}

export function isRunning(host: Host, ctid: number): boolean {
  return loadKernel(host, ctid)?.running === true;
}
