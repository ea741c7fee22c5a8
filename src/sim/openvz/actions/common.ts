/** What every vzctl action gets, and the helpers they share (delays, injections, start output). */
import type { ConfFile } from '../conf-file.js';
import { type CtConfig, ctConfig } from '../ct-config.js';
import { exists } from '../fsutil.js';
import { type KernelState, listKernel, saveKernel } from '../kernel.js';
import { emit, type Line, type Logger } from '../log.js';
import type { Host } from '../paths.js';
import { regenerateProc } from '../proc.js';
import { delayFor, type InjectRule, takeInjection } from '../sim-config.js';
import { ipOnly } from '../units.js';

/** One vzctl invocation after its arguments were checked. */
export interface Ctx {
  host: Host;
  ctid: number;
  log: Logger;
  /** Canonical action name (`destroy` for `delete`, `suspend` for `chkpnt`). */
  action: string;
  /** The CT config, when the file exists. */
  conf?: ConfFile;
  /** Delays that replace the configured ones (a restart spreads its own delay over stop and start). */
  delayOverride?: Record<string, number>;
}

export function cfgOf(ctx: Ctx): CtConfig {
  if (!ctx.conf) throw new Error(`config of CT ${ctx.ctid} is not loaded`);
  return ctConfig(ctx.host, ctx.ctid, ctx.conf);
}

export function delayOf(ctx: Ctx, action = ctx.action): number {
  return ctx.delayOverride?.[action] ?? delayFor(ctx.host, action);
}

/** The injected failure for this action and CT, if one is pending (consumes it). */
export function injected(ctx: Ctx, action = ctx.action): InjectRule | undefined {
  return takeInjection(ctx.host, action, ctx.ctid);
}

/** An injected failure's own output lines. */
export function ruleLines(rule: InjectRule): Line[] {
  const out: Line[] = [];
  // A trailing newline ends the last line; it does not add an empty one.
  const split = (text: string | undefined) => (text === undefined ? [] : text.replace(/\n$/, '').split('\n'));
  for (const l of split(rule.stdout)) out.push(l);
  for (const l of split(rule.stderr)) out.push({ err: l });
  return out;
}

/** Prints a failing action's lines over its delay and returns the injected exit code. */
export async function failWith(ctx: Ctx, before: Line[], rule: InjectRule): Promise<number> {
  await emit(ctx.log, [...before, ...ruleLines(rule)], delayOf(ctx));
  return rule.exitCode;
}

/** Saves a CT's kernel state and refreshes /proc so every reader sees the change. */
export function commitKernel(host: Host, id: number, state: KernelState): void {
  saveKernel(host, id, state);
  regenerateProc(host);
}

export function privateExists(ctx: Ctx, cfg: CtConfig): boolean {
  return exists(ctx.host.real(cfg.privatePath));
}

/** An address another running CT already holds, if any (the kernel refuses duplicates). */
export function ipInUse(host: Host, id: number, ips: readonly string[]): string | undefined {
  const wanted = new Set(ips.map(ipOnly));
  for (const k of listKernel(host)) {
    if (k.id === id || !k.state.running) continue;
    const clash = k.state.ips.map(ipOnly).find((ip) => wanted.has(ip));
    if (clash) return clash;
  }
  return undefined;
}

/** The lines vzctl prints while applying resources to a starting CT. */
export function setupLines(cfg: CtConfig): string[] {
  const lines: string[] = [];
  if (cfg.ips.length) lines.push(`Adding IP address(es): ${cfg.ips.join(' ')}`);
  if (cfg.cpulimit !== undefined) lines.push(`Setting CPU limit: ${cfg.cpulimit}`);
  lines.push(`Setting CPU units: ${cfg.cpuunits ?? 1000}`);
  if (cfg.cpus !== undefined) lines.push(`Setting CPUs: ${cfg.cpus}`);
  return lines;
}

export const START_FAILED = 'Container start failed (try to check kernel messages, e.g. "dmesg | tail")';
export const CLEANUP_LINES = ['Killing container ...', 'Container was stopped', 'Container is unmounted'];
