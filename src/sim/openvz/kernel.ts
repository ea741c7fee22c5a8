/**
 * The simulated kernel: which CTs run, with which limits, IPs and fail counters. One small JSON
 * per CT under `<root>/run`, written atomically so concurrent processes always read a whole state.
 */
import * as fs from 'node:fs';
import type { CtConfig } from './ct-config.js';
import { atomicWrite, readJson, removeQuietly } from './fsutil.js';
import type { Host } from './paths.js';
import { kernelLimits, UBC_NAMES, type UbcName } from './ubc.js';
import { UNLIMITED } from './units.js';

/** Kernel-side state of one CT. Values applied by `set` without --save live only here. */
export interface KernelState {
  running: boolean;
  mounted: boolean;
  /** Epoch ms of the start (or of the original start, after a restore). */
  startedAt: number;
  /** venet addresses in the order they were added. */
  ips: string[];
  limits: Record<UbcName, [number, number]>;
  failcnt: Partial<Record<UbcName, number>>;
  cpu: { limit: number; units: number; cpus: number };
}

type Stored = Omit<KernelState, 'limits'> & { limits: Record<string, [number, number]> };

// JSON has no Infinity; -1 never occurs as a real limit, so it stands for LONG_MAX on disk.
const encode = (v: number) => (v === UNLIMITED ? -1 : v);
const decode = (v: number) => (v === -1 ? UNLIMITED : v);

export function loadKernel(host: Host, id: number): KernelState | undefined {
  const stored = readJson<Stored>(host.runFile(id));
  if (!stored) return undefined;
  return decodeState(stored);
}

function decodeState(stored: Stored): KernelState {
  const limits = kernelLimits({});
  for (const name of UBC_NAMES) {
    const pair = stored.limits[name];
    if (pair) limits[name] = [decode(pair[0]), decode(pair[1])];
  }
  return { ...stored, limits };
}

/** The serialized form, also used as the content of dump files. */
export function encodeKernel(state: KernelState): string {
  const limits: Record<string, [number, number]> = {};
  for (const name of UBC_NAMES) limits[name] = [encode(state.limits[name][0]), encode(state.limits[name][1])];
  return `${JSON.stringify({ ...state, limits }, null, 2)}\n`;
}

export function decodeKernel(text: string): KernelState | undefined {
  try {
    return decodeState(JSON.parse(text) as Stored);
  } catch {
    return undefined;
  }
}

export function saveKernel(host: Host, id: number, state: KernelState): void {
  atomicWrite(host.runFile(id), encodeKernel(state));
}

export function deleteKernel(host: Host, id: number): void {
  removeQuietly(host.runFile(id));
}

/** Every CT the kernel knows about (running or merely mounted), ascending by id. */
export function listKernel(host: Host): { id: number; state: KernelState }[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(host.runDir);
  } catch {
    return [];
  }
  const out: { id: number; state: KernelState }[] = [];
  for (const n of names) {
    const m = /^(\d+)\.json$/.exec(n);
    if (!m) continue;
    const state = loadKernel(host, Number(m[1]));
    if (state) out.push({ id: Number(m[1]), state });
  }
  return out.sort((a, b) => a.id - b.id);
}

/** A freshly started CT: limits from its config, counters at zero. */
export function freshKernel(cfg: CtConfig): KernelState {
  return {
    running: true,
    mounted: true,
    startedAt: Date.now(),
    ips: [...cfg.ips],
    limits: kernelLimits(cfg.ubc, cfg.vmOvercommit),
    failcnt: {},
    cpu: { limit: cfg.cpulimit ?? 0, units: cfg.cpuunits ?? 1000, cpus: cfg.cpus ?? 0 },
  };
}

/** A stopped CT, keeping only whether its file system is mounted. */
export function stoppedKernel(prev: KernelState | undefined, mounted: boolean): KernelState {
  return {
    running: false,
    mounted,
    startedAt: 0,
    ips: [],
    limits: prev?.limits ?? kernelLimits({}),
    failcnt: {},
    cpu: prev?.cpu ?? { limit: 0, units: 1000, cpus: 0 },
  };
}
