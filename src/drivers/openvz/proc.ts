/**
 * The host's /proc files that OpenVZ capacity and pressure come from (contract §5, §6).
 * procRoot is configurable so the same code reads a real host, a copy, or the simulator.
 */
import { readFile, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import { OpError } from '../../model/errors.js';
import type { HostCapacity } from '../../model/hypervisor.js';

/** One beancounter row. Values at or past 2^53 (LONG_MAX, "unlimited") are `Infinity`. */
export interface Beancounter {
  held: number;
  maxheld: number;
  barrier: number;
  limit: number;
  failcnt: number;
}

/** ctid (`'0'` is the host) → resource name → counters. */
export type Beancounters = Map<string, Map<string, Beancounter>>;

const UNLIMITED = 2 ** 53;

/** `/proc/meminfo` → values in bytes by key (`MemTotal`, `SwapTotal`, ...). */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (!m?.[1] || !m[2]) continue;
    const value = Number(m[2]);
    out.set(m[1], line.trimEnd().endsWith('kB') ? value * 1024 : value);
  }
  return out;
}

/** `/proc/cpuinfo` → number of hardware threads (`processor : N` lines). */
export function countCpus(text: string): number {
  return text.split('\n').filter((l) => /^processor\s*:/.test(l)).length;
}

// "<uid>:" (2.6: "%10s  %-12s", 3.10: "%10s%c %-12s" with ':'), then resource and five numbers.
const BC_ROW = /^\s*(?:([^\s:]+):)?\s+([a-z_]+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*$/;

function counter(raw: string): number {
  const n = Number(raw);
  return n >= UNLIMITED ? Number.POSITIVE_INFINITY : n;
}

/**
 * `/proc/user_beancounters` (or `/proc/bc/resources`) → counters per container.
 * Handles the 2.6 (`101:  kmemsize`) and 3.10 (`101: kmemsize`) layouts; skips `dummy` rows.
 */
export function parseBeancounters(text: string): Beancounters {
  const out: Beancounters = new Map();
  let current: Map<string, Beancounter> | undefined;
  for (const line of text.split('\n')) {
    const m = BC_ROW.exec(line);
    if (!m) continue;
    const [, uid, resource = '', held = '', maxheld = '', barrier = '', limit = '', failcnt = ''] = m;
    if (uid !== undefined) {
      current = new Map();
      out.set(uid, current);
    }
    if (!current || resource === 'dummy') continue;
    current.set(resource, {
      held: counter(held),
      maxheld: counter(maxheld),
      barrier: counter(barrier),
      limit: counter(limit),
      failcnt: counter(failcnt),
    });
  }
  return out;
}

/** Reads `<procRoot>/user_beancounters`. Only running containers (and the host, `'0'`) appear. */
export async function readBeancounters(procRoot: string): Promise<Beancounters> {
  return parseBeancounters(await readProcFile(procRoot, 'user_beancounters'));
}

/**
 * Host CPUs and memory from procRoot, disk from statfs(diskRoot).
 * A missing diskRoot gives diskBytes 0 (e.g. a host that keeps /vz elsewhere is not configured yet).
 */
export async function readHostCapacity(procRoot: string, diskRoot: string): Promise<HostCapacity> {
  const [cpuinfo, meminfo, diskBytes] = await Promise.all([
    readProcFile(procRoot, 'cpuinfo'),
    readProcFile(procRoot, 'meminfo'),
    diskTotal(diskRoot),
  ]);
  const mem = parseMeminfo(meminfo);
  return {
    cpus: countCpus(cpuinfo),
    memoryBytes: mem.get('MemTotal') ?? 0,
    swapBytes: mem.get('SwapTotal') ?? 0,
    diskBytes,
  };
}

/** `<procRoot>/version` → the kernel release (`2.6.32-042stab145.3`), or undefined when absent. */
export async function readKernelVersion(procRoot: string): Promise<string | undefined> {
  try {
    const text = await readFile(join(procRoot, 'version'), 'utf8');
    const m = /Linux version (\S+)/.exec(text);
    return m?.[1] ?? (text.trim().split('\n')[0] || undefined);
  } catch {
    return undefined;
  }
}

async function diskTotal(diskRoot: string): Promise<number> {
  try {
    const s = await statfs(diskRoot);
    return s.blocks * s.bsize;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw new OpError('HYPERVISOR', `The disk capacity of ${diskRoot} could not be read.`, {
      cause: err,
      detail: String(err),
    });
  }
}

async function readProcFile(procRoot: string, name: string): Promise<string> {
  const path = join(procRoot, name);
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new OpError('HYPERVISOR', `${path} could not be read; check openvz.procRoot in the config.`, {
      cause: err,
      detail: String(err),
    });
  }
}
