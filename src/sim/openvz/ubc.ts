/** User beancounters: the resource table, VSwap defaults, and the simulated usage of a running CT. */
import { type UbcKind, UNLIMITED } from './units.js';

/** vzlist's resource order (FOR_ALL_UBC); swappages is last. */
export const UBC_NAMES = [
  'kmemsize',
  'lockedpages',
  'privvmpages',
  'shmpages',
  'numproc',
  'physpages',
  'vmguarpages',
  'oomguarpages',
  'numtcpsock',
  'numflock',
  'numpty',
  'numsiginfo',
  'tcpsndbuf',
  'tcprcvbuf',
  'othersockbuf',
  'dgramrcvbuf',
  'numothersock',
  'dcachesize',
  'numfile',
  'numiptent',
  'swappages',
] as const;

export type UbcName = (typeof UBC_NAMES)[number];

/** Column headers in vzlist tables. */
export const UBC_HEADERS: Record<UbcName, string> = {
  kmemsize: 'KMEMSIZE',
  lockedpages: 'LOCKEDP',
  privvmpages: 'PRIVVMP',
  shmpages: 'SHMP',
  numproc: 'NPROC',
  physpages: 'PHYSP',
  vmguarpages: 'VMGUARP',
  oomguarpages: 'OOMGUARP',
  numtcpsock: 'NTCPSOCK',
  numflock: 'NFLOCK',
  numpty: 'NPTY',
  numsiginfo: 'NSIGINFO',
  tcpsndbuf: 'TCPSNDB',
  tcprcvbuf: 'TCPRCVB',
  othersockbuf: 'OTHSOCKB',
  dgramrcvbuf: 'DGRAMRB',
  numothersock: 'NOTHSOCK',
  dcachesize: 'DCACHESZ',
  numfile: 'NFILE',
  numiptent: 'NIPTENT',
  swappages: 'SWAPP',
};

/** Row order of /proc/user_beancounters (UB_RESOURCES_COMPAT = 24, with dummies, no swappages). */
export const PROC_UBC_ORDER: readonly (UbcName | 'dummy')[] = [
  'kmemsize',
  'lockedpages',
  'privvmpages',
  'shmpages',
  'dummy',
  'numproc',
  'physpages',
  'vmguarpages',
  'oomguarpages',
  'numtcpsock',
  'numflock',
  'numpty',
  'numsiginfo',
  'tcpsndbuf',
  'tcprcvbuf',
  'othersockbuf',
  'dgramrcvbuf',
  'numothersock',
  'dcachesize',
  'numfile',
  'dummy',
  'dummy',
  'dummy',
  'numiptent',
];

const PAGE_RES = new Set<string>([
  'lockedpages',
  'privvmpages',
  'shmpages',
  'physpages',
  'vmguarpages',
  'oomguarpages',
  'swappages',
]);
const BYTE_RES = new Set<string>([
  'kmemsize',
  'tcpsndbuf',
  'tcprcvbuf',
  'othersockbuf',
  'dgramrcvbuf',
  'dcachesize',
]);

export function ubcKind(name: UbcName): UbcKind {
  return PAGE_RES.has(name) ? 'pages' : BYTE_RES.has(name) ? 'bytes' : 'items';
}

export function isUbcName(name: string): name is UbcName {
  return (UBC_NAMES as readonly string[]).includes(name);
}

/** Barrier and limit per resource. */
export type UbcLimits = Partial<Record<UbcName, [number, number]>>;

/** One beancounter row as the kernel reports it. */
export interface UbcRow {
  held: number;
  maxheld: number;
  barrier: number;
  limit: number;
  failcnt: number;
}

/**
 * The limits a CT runs with: its config, the VSwap-derived defaults vzctl fills in
 * (fill_vswap_ub), and unlimited for everything else.
 */
export function kernelLimits(conf: UbcLimits, vmOvercommit?: number): Record<UbcName, [number, number]> {
  const out = {} as Record<UbcName, [number, number]>;
  for (const name of UBC_NAMES) out[name] = conf[name] ?? [UNLIMITED, UNLIMITED];
  const ram = conf.physpages?.[1];
  if (ram === undefined || ram === UNLIMITED) return out;
  const swap = conf.swappages?.[1] ?? 0;
  const total = swap === UNLIMITED ? UNLIMITED : ram + swap;
  if (!conf.lockedpages) out.lockedpages = [ram, ram];
  if (!conf.oomguarpages) out.oomguarpages = [ram, UNLIMITED];
  if (!conf.vmguarpages) out.vmguarpages = [total, UNLIMITED];
  if (!conf.privvmpages && vmOvercommit && total !== UNLIMITED) {
    const priv = Math.floor(total * vmOvercommit);
    out.privvmpages = [priv, priv];
  }
  if (!conf.swappages) out.swappages = [0, 0];
  return out;
}

/** A fixed fraction per CT in [0, 1), so every reader computes the same "usage". */
export function ctFraction(ctid: number): number {
  return ((ctid * 2654435761) % 1000) / 1000;
}

function baseUsage(ctid: number, physHeld: number): Record<UbcName, number> {
  const f = ctFraction(ctid);
  const numtcpsock = 4 + Math.floor(f * 10);
  return {
    kmemsize: 8_388_608 + Math.floor(f * 8_388_608),
    lockedpages: 0,
    privvmpages: Math.floor(physHeld * 1.4) + 5_000,
    shmpages: 120 + Math.floor(f * 500),
    numproc: 12 + Math.floor(f * 30),
    physpages: physHeld,
    vmguarpages: 0,
    oomguarpages: physHeld,
    numtcpsock,
    numflock: 2 + Math.floor(f * 5),
    numpty: 1,
    numsiginfo: 0,
    tcpsndbuf: numtcpsock * 17_408,
    tcprcvbuf: numtcpsock * 16_384,
    othersockbuf: 4_624 + Math.floor(f * 20_000),
    dgramrcvbuf: 0,
    numothersock: 20 + Math.floor(f * 20),
    dcachesize: 1_572_864 + Math.floor(f * 3_145_728),
    numfile: 300 + Math.floor(f * 800),
    numiptent: 14,
    swappages: 0,
  };
}

/**
 * Beancounter rows of a running CT. Usage is a fixed function of the CT so vzlist and /proc agree;
 * a physpages failcnt means the CT sits at its RAM limit and has started to (virtually) swap.
 */
export function usageRows(
  ctid: number,
  limits: Record<UbcName, [number, number]>,
  failcnt: Partial<Record<UbcName, number>>,
): Record<UbcName, UbcRow> {
  const ram = limits.physpages[1];
  const pressured = (failcnt.physpages ?? 0) > 0;
  const physHeld =
    ram === UNLIMITED
      ? 30_000 + Math.floor(ctFraction(ctid) * 20_000)
      : Math.floor(ram * (0.2 + 0.3 * ctFraction(ctid)));
  const usage = baseUsage(ctid, pressured && ram !== UNLIMITED ? ram : physHeld);
  if (pressured) usage.swappages = 256 * (failcnt.physpages ?? 0);
  const rows = {} as Record<UbcName, UbcRow>;
  for (const name of UBC_NAMES) {
    const [barrier, limit] = limits[name];
    const held = Math.min(usage[name], limit);
    const maxheld = Math.min(Math.max(held, Math.ceil(held * 1.08)), limit);
    rows[name] = { held, maxheld, barrier, limit, failcnt: failcnt[name] ?? 0 };
  }
  return rows;
}

/** Rows of the host beancounter (`0:`): unlimited, with the host's own processes. */
export function hostRows(hostUsedPages: number): Record<UbcName, UbcRow> {
  const limits = kernelLimits({});
  const rows = usageRows(0, limits, {});
  rows.physpages = { ...rows.physpages, held: hostUsedPages, maxheld: hostUsedPages };
  rows.numproc = { ...rows.numproc, held: 212, maxheld: 240 };
  return rows;
}

/** Disk space in use (KB) of a CT's file system: fixed per CT, never above 85% of its size. */
export function diskUsageKb(ctid: number, hardKb: number): number {
  const wanted = 550_000 + Math.floor(ctFraction(ctid) * 300_000);
  return hardKb === UNLIMITED ? wanted : Math.min(wanted, Math.floor(hardKb * 0.85));
}

/** Inodes in use of a CT's file system. */
export function inodeUsage(ctid: number, hard: number): number {
  const wanted = 24_000 + Math.floor(ctFraction(ctid) * 6_000);
  return hard === UNLIMITED ? wanted : Math.min(wanted, Math.floor(hard * 0.85));
}
