/** Simulation controls kept in the state root: host size, per-action delays, failure injections. */
import { atomicWrite, readJson, withMutex } from './fsutil.js';
import type { Host } from './paths.js';

/** `<root>/sim.json`. */
export interface SimSettings {
  cpus: number;
  memMiB: number;
  swapMiB: number;
  /** Milliseconds an action takes (e.g. `{ start: 2000 }`), spent while holding the CT lock. */
  delays: Record<string, number>;
}

/**
 * A failure to inject: the next matching action prints `stdout`/`stderr` and exits with `exitCode`.
 * `ctid` omitted matches every CT; `times` (default 1) is how many actions it affects.
 */
export interface InjectRule {
  action: string;
  ctid?: number;
  exitCode: number;
  stderr?: string;
  stdout?: string;
  times?: number;
}

export const DEFAULT_SETTINGS: SimSettings = { cpus: 8, memMiB: 16384, swapMiB: 8192, delays: {} };

export function readSettings(host: Host): SimSettings {
  const s = readJson<Partial<SimSettings>>(host.simFile) ?? {};
  return { ...DEFAULT_SETTINGS, ...s, delays: { ...(s.delays ?? {}) } };
}

/** Read-modify-write of sim.json, safe against concurrent writers. */
export function updateSettings(host: Host, change: (s: SimSettings) => void): void {
  withMutex(host.mutexFile('sim'), () => {
    const s = readSettings(host);
    change(s);
    atomicWrite(host.simFile, `${JSON.stringify(s, null, 2)}\n`);
  });
}

/** The configured delay of an action, in ms (0 when none). */
export function delayFor(host: Host, action: string): number {
  const ms = readSettings(host).delays[action];
  return typeof ms === 'number' && ms > 0 ? ms : 0;
}

function readRules(host: Host): InjectRule[] {
  return readJson<InjectRule[]>(host.injectFile) ?? [];
}

function writeRules(host: Host, rules: InjectRule[]): void {
  atomicWrite(host.injectFile, `${JSON.stringify(rules, null, 2)}\n`);
}

export function addInjection(host: Host, rule: InjectRule): void {
  withMutex(host.mutexFile('inject'), () => writeRules(host, [...readRules(host), rule]));
}

export function clearInjections(host: Host): void {
  withMutex(host.mutexFile('inject'), () => writeRules(host, []));
}

/** Takes the first rule matching this action and CT, consuming one use of it. */
export function takeInjection(host: Host, action: string, ctid: number): InjectRule | undefined {
  return withMutex(host.mutexFile('inject'), () => {
    const rules = readRules(host);
    const i = rules.findIndex((r) => r.action === action && (r.ctid === undefined || r.ctid === ctid));
    const rule = rules[i];
    if (!rule) return undefined;
    const left = (rule.times ?? 1) - 1;
    if (left > 0) rules[i] = { ...rule, times: left };
    else rules.splice(i, 1);
    writeRules(host, rules);
    return rule;
  });
}
