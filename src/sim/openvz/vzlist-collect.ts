/**
 * What vzlist knows about each CT: running CTs from the kernel (as /proc/vz/veinfo and
 * /proc/bc/resources show them), everything else from the config files.
 */
import { type CtConfig, ctConfig, listCtIds, readConf } from './ct-config.js';
import { exists } from './fsutil.js';
import { type KernelState, listKernel } from './kernel.js';
import { type Host, vpath } from './paths.js';
import { rowsFor } from './proc.js';
import { ctFraction, diskUsageKb, inodeUsage, UBC_NAMES, type UbcName, type UbcRow } from './ubc.js';
import { ipOnly, UNLIMITED } from './units.js';

export type VeStatus = 'stopped' | 'running' | 'mounted' | 'suspended';

/** One CT as vzlist prints it; optional members print as `-` / null. */
export interface VeInfo {
  ctid: number;
  status: VeStatus;
  /** Collected but not printed (private area missing, or filtered by a pattern). */
  hide: boolean;
  private?: string;
  root?: string;
  mountOpts?: string;
  originSample?: string;
  hostname?: string;
  name?: string;
  description?: string;
  ostemplate?: string;
  /** Space-separated lists, as vzlist keeps them. */
  ip?: string;
  nameserver?: string;
  searchdomain?: string;
  ubc: Record<UbcName, UbcRow>;
  quota?: { diskspace: [number, number, number]; diskinodes: [number, number, number] };
  cpustat?: { la: [number, number, number]; uptime: number };
  cpu?: { limit: number; units: number };
  cpunum: number;
  /** -1 when unset. */
  ioprio: number;
  iolimit?: number;
  iopslimit?: number;
  onboot?: boolean;
  bootorder?: number;
  layout: 'ploop' | 'simfs';
  features?: Record<string, boolean>;
  capability?: Record<string, boolean>;
  disabled: boolean;
  vmOvercommit: number;
  netfilter?: string;
}

export interface Selection {
  /** -a or -S: every CT with a config, not only running ones. */
  all: boolean;
  /** Explicit CTIDs on the command line. */
  ids?: number[];
}

/** A stopped CT shows only barrier/limit from its config; UBCs not in it are 0/0. */
function configRows(cfg: CtConfig | undefined): Record<UbcName, UbcRow> {
  const rows = {} as Record<UbcName, UbcRow>;
  for (const name of UBC_NAMES) {
    const [barrier, limit] = cfg?.ubc[name] ?? [0, 0];
    rows[name] = { held: 0, maxheld: 0, barrier, limit, failcnt: 0 };
  }
  return rows;
}

function statusOf(host: Host, id: number, k: KernelState | undefined): VeStatus {
  if (k?.running) return 'running';
  if (k?.mounted) return 'mounted';
  return exists(host.real(vpath.dump(id))) ? 'suspended' : 'stopped';
}

function quotaOf(id: number, cfg: CtConfig, inUse: boolean): VeInfo['quota'] {
  if (!cfg.diskspace || !cfg.diskinodes) return undefined;
  const [ds, dh] = cfg.diskspace;
  const [is, ih] = cfg.diskinodes;
  const du = inUse ? diskUsageKb(id, dh) : 0;
  const iu = inUse ? inodeUsage(id, ih) : 0;
  return { diskspace: [du, ds, dh], diskinodes: [iu, is, ih] };
}

function loadAverage(id: number): [number, number, number] {
  const f = ctFraction(id);
  return [Math.round(f * 40) / 100, Math.round(f * 30) / 100, Math.round(f * 20 + 5) / 100];
}

/** Runtime view: what the kernel reports for a running CT. */
function runtimeParts(id: number, k: KernelState): Partial<VeInfo> {
  const ip = k.ips.map(ipOnly).join(' ');
  return {
    ubc: rowsFor(id, k),
    cpustat: { la: loadAverage(id), uptime: Math.max(0, (Date.now() - k.startedAt) / 1000) },
    cpu: { limit: k.cpu.limit, units: k.cpu.units },
    cpunum: k.cpu.cpus,
    ...(ip ? { ip } : {}),
  };
}

function configParts(cfg: CtConfig): Partial<VeInfo> {
  const opt = <K extends keyof VeInfo>(key: K, v: VeInfo[K] | undefined) =>
    v === undefined ? {} : { [key]: v };
  const cpuSet = cfg.cpuunits !== undefined || cfg.cpulimit !== undefined;
  return {
    private: cfg.privatePath,
    root: cfg.rootPath,
    layout: cfg.layout,
    disabled: cfg.disabled,
    ioprio: cfg.ioprio ?? -1,
    vmOvercommit: cfg.vmOvercommit ?? 0,
    cpunum: cfg.cpus ?? 0,
    ...(cpuSet ? { cpu: { limit: cfg.cpulimit ?? 0, units: cfg.cpuunits ?? 0 } } : {}),
    ...opt('ip', cfg.ips.length ? cfg.ips.join(' ') : undefined),
    ...opt('nameserver', cfg.nameservers.length ? cfg.nameservers.join(' ') : undefined),
    ...opt('searchdomain', cfg.searchdomains.length ? cfg.searchdomains.join(' ') : undefined),
    ...opt('mountOpts', cfg.mountOpts),
    ...opt('originSample', cfg.originSample),
    ...opt('hostname', cfg.hostname),
    ...opt('name', cfg.name),
    ...opt('description', cfg.description),
    ...opt('ostemplate', cfg.ostemplate),
    ...opt('iolimit', cfg.iolimit),
    ...opt('iopslimit', cfg.iopslimit),
    ...opt('onboot', cfg.onboot),
    ...opt('bootorder', cfg.bootorder),
    ...opt('features', cfg.features),
    ...opt('capability', cfg.capability),
    ...opt('netfilter', cfg.netfilter),
  };
}

function veInfo(host: Host, id: number, k: KernelState | undefined): VeInfo {
  const conf = readConf(host, id);
  const cfg = conf ? ctConfig(host, id, conf) : undefined;
  const status = statusOf(host, id, k);
  const base: VeInfo = {
    ctid: id,
    status,
    hide: false,
    ubc: configRows(cfg),
    cpunum: 0,
    ioprio: -1,
    layout: 'ploop',
    disabled: false,
    vmOvercommit: 0,
  };
  const info: VeInfo = {
    ...base,
    ...(cfg ? configParts(cfg) : {}),
    ...(k?.running ? runtimeParts(id, k) : {}),
  };
  if (cfg) {
    const quota = quotaOf(id, cfg, status === 'running' || status === 'mounted');
    if (quota) info.quota = quota;
  }
  // vzlist skips stopped CTs whose private area is gone.
  if (status !== 'running' && (!info.private || !exists(host.real(info.private)))) info.hide = true;
  return info;
}

/** The CTs a vzlist run considers, sorted by CTID. */
export function collect(host: Host, sel: Selection): VeInfo[] {
  const kernel = new Map(listKernel(host).map((k) => [k.id, k.state]));
  const ids = new Set<number>();
  if (sel.all || sel.ids) for (const id of listCtIds(host)) ids.add(id);
  for (const [id, k] of kernel) if (k.running) ids.add(id);
  const wanted = sel.ids ? new Set(sel.ids) : undefined;
  return [...ids]
    .filter((id) => id !== 0 && (!wanted || wanted.has(id)))
    .sort((a, b) => a - b)
    .map((id) => veInfo(host, id, kernel.get(id)));
}

/** VSwap CT: physpages limit set to something other than LONG_MAX/INT_MAX. */
export function isVswap(v: VeInfo): boolean {
  const limit = v.ubc.physpages.limit;
  return limit !== UNLIMITED && limit !== 2147483647;
}
