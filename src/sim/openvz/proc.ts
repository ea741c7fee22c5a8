/**
 * The host's /proc as the OpenVZ kernel shows it: meminfo, cpuinfo, user_beancounters,
 * bc/resources and vz/veinfo. Regenerated from the kernel state after every change.
 */
import { join } from 'node:path';
import { atomicWrite, withMutex } from './fsutil.js';
import { type KernelState, listKernel } from './kernel.js';
import type { Host } from './paths.js';
import { readSettings, type SimSettings } from './sim-config.js';
import { hostRows, PROC_UBC_ORDER, UBC_NAMES, type UbcName, type UbcRow, usageRows } from './ubc.js';
import { fmtUl, ipOnly } from './units.js';

/** Pages the host itself uses outside containers (1 GiB). */
const HOST_BASE_PAGES = 262_144;

type Running = { id: number; state: KernelState; rows: Record<UbcName, UbcRow> };

/** Beancounter rows of a running CT, the same numbers everywhere they are shown. */
export function rowsFor(id: number, state: KernelState): Record<UbcName, UbcRow> {
  return usageRows(id, state.limits, state.failcnt);
}

function memLine(key: string, kb: number): string {
  return `${`${key}:`.padEnd(16)}${String(Math.max(0, Math.floor(kb))).padStart(8)} kB`;
}

function meminfo(s: SimSettings, running: Running[]): string {
  const total = s.memMiB * 1024;
  const swapTotal = s.swapMiB * 1024;
  const usedPages = HOST_BASE_PAGES + running.reduce((n, r) => n + r.rows.physpages.held, 0);
  const free = Math.max(total * 0.03, total - usedPages * 4);
  const swapUsed = running.reduce((n, r) => n + r.rows.swappages.held, 0) * 4;
  const cached = Math.min(total - free, total * 0.2);
  const lines = [
    memLine('MemTotal', total),
    memLine('MemFree', free),
    memLine('Buffers', total * 0.01),
    memLine('Cached', cached),
    memLine('SwapCached', 0),
    memLine('Active', (total - free) * 0.6),
    memLine('Inactive', (total - free) * 0.3),
    memLine('SwapTotal', swapTotal),
    memLine('SwapFree', swapTotal - swapUsed),
    memLine('Dirty', 128),
    memLine('Writeback', 0),
    memLine('AnonPages', (total - free - cached) * 0.9),
    memLine('Mapped', 65_536),
    memLine('Shmem', 4_096),
    memLine('Slab', total * 0.02),
    memLine('CommitLimit', total / 2 + swapTotal),
    memLine('Committed_AS', usedPages * 4 * 1.4),
  ];
  return `${lines.join('\n')}\n`;
}

function cpuinfo(s: SimSettings): string {
  const blocks: string[] = [];
  const cores = Math.max(1, Math.floor(s.cpus / 2));
  for (let i = 0; i < s.cpus; i++) {
    blocks.push(
      [
        `processor\t: ${i}`,
        'vendor_id\t: GenuineIntel',
        'cpu family\t: 6',
        'model\t\t: 63',
        'model name\t: Intel(R) Xeon(R) CPU E5-2680 v3 @ 2.50GHz',
        'stepping\t: 2',
        'cpu MHz\t\t: 2500.000',
        'cache size\t: 30720 KB',
        'physical id\t: 0',
        `siblings\t: ${s.cpus}`,
        `core id\t\t: ${i % cores}`,
        `cpu cores\t: ${cores}`,
        `apicid\t\t: ${i}`,
        'fpu\t\t: yes',
        'flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx lm constant_tsc pni ssse3 cx16 sse4_1 sse4_2 popcnt aes avx avx2',
        'bogomips\t: 4999.90',
        'clflush size\t: 64',
        'cache_alignment\t: 64',
        'address sizes\t: 46 bits physical, 48 bits virtual',
        'power management:',
        '',
      ].join('\n'),
    );
  }
  return `${blocks.join('\n')}\n`;
}

const UBC_HEADER = `${'uid'.padStart(10)}  ${'resource'.padEnd(12)} ${[
  'held',
  'maxheld',
  'barrier',
  'limit',
  'failcnt',
]
  .map((h) => h.padStart(20))
  .join(' ')}`;

function ubcLine(uid: string, name: string, row: UbcRow | undefined): string {
  const values = row ? [row.held, row.maxheld, row.barrier, row.limit, row.failcnt] : [0, 0, 0, 0, 0];
  return `${uid.padStart(10)}  ${name.padEnd(12)} ${values.map((v) => fmtUl(v).padStart(20)).join(' ')}`;
}

/** One beancounter block; `compat` selects the 24-row user_beancounters layout. */
function ubcBlock(id: number, rows: Record<UbcName, UbcRow>, compat: boolean): string[] {
  const order = compat ? PROC_UBC_ORDER : UBC_NAMES;
  return order.map((name, i) =>
    ubcLine(i === 0 ? `${id}:` : '', name, name === 'dummy' ? undefined : rows[name as UbcName]),
  );
}

function beancounters(running: Running[], compat: boolean): string {
  const hostUsed = HOST_BASE_PAGES + running.reduce((n, r) => n + r.rows.physpages.held, 0);
  const lines = ['Version: 2.5', UBC_HEADER];
  for (const r of running) lines.push(...ubcBlock(r.id, r.rows, compat));
  lines.push(...ubcBlock(0, hostRows(hostUsed), compat));
  return `${lines.join('\n')}\n`;
}

function veinfo(running: Running[]): string {
  const procs = running.reduce((n, r) => n + r.rows.numproc.held, 0);
  const lines = [`${'0'.padStart(10)} ${'0'.padStart(5)} ${String(212 + procs).padStart(5)}`];
  for (const r of running) {
    // The kernel lists venet addresses newest first.
    const ips = [...r.state.ips].reverse().map((ip) => {
      const a = ipOnly(ip);
      return ` ${a.padStart(a.includes(':') ? 39 : 15)}`;
    });
    lines.push(
      `${String(r.id).padStart(10)} ${'0'.padStart(5)} ${String(r.rows.numproc.held).padStart(5)}${ips.join('')}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Rewrites the whole proc tree from the current kernel state; serialized across processes. */
export function regenerateProc(host: Host): void {
  withMutex(host.mutexFile('proc'), () => {
    const settings = readSettings(host);
    const running = listKernel(host)
      .filter((k) => k.state.running)
      .map((k) => ({ ...k, rows: rowsFor(k.id, k.state) }));
    const dir = host.procDir;
    atomicWrite(join(dir, 'meminfo'), meminfo(settings, running));
    atomicWrite(join(dir, 'cpuinfo'), cpuinfo(settings));
    atomicWrite(join(dir, 'user_beancounters'), beancounters(running, true));
    atomicWrite(join(dir, 'bc', 'resources'), beancounters(running, false));
    atomicWrite(join(dir, 'vz', 'veinfo'), veinfo(running));
  });
}
