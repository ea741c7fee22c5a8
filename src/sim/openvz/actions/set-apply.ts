/** How a `vzctl set` lands: in the config file (--save) and in the running kernel. */
import type { ConfFile } from '../conf-file.js';
import { type CtConfig, ubcKey } from '../ct-config.js';
import type { KernelState } from '../kernel.js';
import type { SetParams } from '../set-args.js';
import { kernelLimits, UBC_NAMES, type UbcName } from '../ubc.js';
import { fmtUbcPair, ipOnly } from '../units.js';

const yesNo = (b: boolean) => (b ? 'yes' : 'no');
const onOff = (m: Record<string, boolean>) =>
  Object.entries(m)
    .map(([k, v]) => `${k}:${v ? 'on' : 'off'}`)
    .join(' ');

/** IP list after --ipdel then --ipadd (an address that is re-added keeps its new mask). */
export function nextIps(current: readonly string[], p: SetParams): string[] {
  const dropAll = p.ipdel.includes('all');
  const dropped = new Set([...p.ipdel, ...p.ipadd].map(ipOnly));
  const kept = dropAll ? [] : current.filter((ip) => !dropped.has(ipOnly(ip)));
  const added: string[] = [];
  for (const ip of p.ipadd) if (!added.some((a) => ipOnly(a) === ipOnly(ip))) added.push(ip);
  return [...kept, ...added];
}

/** Writes every given parameter into the config, in vzctl's config syntax. */
export function applyToConf(conf: ConfFile, cfg: CtConfig, p: SetParams): void {
  for (const name of UBC_NAMES) {
    const pair = p.ubc[name];
    if (pair) conf.set(ubcKey(name), fmtUbcPair(pair));
  }
  const set = (key: string, value: string | number | undefined) => {
    if (value !== undefined) conf.set(key, String(value));
  };
  if (p.diskspace) set('DISKSPACE', `${p.diskspace[0]}:${p.diskspace[1]}`);
  if (p.diskinodes) set('DISKINODES', `${p.diskinodes[0]}:${p.diskinodes[1]}`);
  if (p.ipadd.length || p.ipdel.length) set('IP_ADDRESS', nextIps(cfg.ips, p).join(' '));
  set('HOSTNAME', p.hostname);
  set('NAMESERVER', p.nameservers?.join(' '));
  set('SEARCHDOMAIN', p.searchdomains?.join(' '));
  set('CPUS', p.cpus);
  set('CPULIMIT', p.cpulimit);
  set('CPUUNITS', p.cpuunits);
  set('ONBOOT', p.onboot === undefined ? undefined : yesNo(p.onboot));
  set('BOOTORDER', p.bootorder);
  set('DISABLED', p.disabled === undefined ? undefined : yesNo(p.disabled));
  set('NAME', p.name);
  set('DESCRIPTION', p.description);
  set('OSTEMPLATE', p.ostemplate);
  set('IOPRIO', p.ioprio);
  set('IOLIMIT', p.iolimit);
  set('IOPSLIMIT', p.iopslimit);
  set('NETFILTER', p.netfilter);
  set('VM_OVERCOMMIT', p.vmOvercommit);
  if (p.features) set('FEATURES', onOff({ ...cfg.features, ...p.features }));
  if (p.capability) set('CAPABILITY', onOff({ ...cfg.capability, ...p.capability }));
}

const VSWAP_DERIVED: UbcName[] = ['lockedpages', 'oomguarpages', 'vmguarpages', 'privvmpages'];

/** The kernel state after applying `p` to a running CT. */
export function applyToKernel(k: KernelState, cfg: CtConfig, p: SetParams): KernelState {
  const limits = { ...k.limits };
  for (const name of UBC_NAMES) {
    const pair = p.ubc[name];
    if (pair) limits[name] = pair;
  }
  if (p.ubc.physpages || p.ubc.swappages) {
    // New RAM/swap re-derives the VSwap defaults that the config does not pin.
    const derived = kernelLimits({ ...cfg.ubc, ...p.ubc }, p.vmOvercommit ?? cfg.vmOvercommit);
    for (const name of VSWAP_DERIVED) if (!cfg.ubc[name] && !p.ubc[name]) limits[name] = derived[name];
  }
  const cpu = {
    limit: p.cpulimit ?? k.cpu.limit,
    units: p.cpuunits ?? k.cpu.units,
    cpus: p.cpus ?? k.cpu.cpus,
  };
  return { ...k, limits, cpu, ips: nextIps(k.ips, p) };
}

/** The lines a running CT prints while `p` is applied, in vzctl's order. */
export function runningLines(k: KernelState, p: SetParams): string[] {
  const lines: string[] = [];
  if (Object.keys(p.ubc).length) lines.push('UB limits were set successfully');
  if (p.ipdel.includes('all')) {
    if (k.ips.length) lines.push(`Deleting all IP address(es): ${k.ips.join(' ')}`);
  } else {
    const readd = p.ipadd.filter((ip) => k.ips.some((c) => ipOnly(c) === ipOnly(ip)));
    const del = [...p.ipdel, ...readd].filter((ip) => k.ips.some((c) => ipOnly(c) === ipOnly(ip)));
    if (del.length) lines.push(`Deleting IP address(es): ${del.join(' ')}`);
  }
  if (p.ipadd.length) lines.push(`Adding IP address(es): ${p.ipadd.join(' ')}`);
  if (p.cpulimit !== undefined) lines.push(`Setting CPU limit: ${p.cpulimit}`);
  if (p.cpuunits !== undefined) lines.push(`Setting CPU units: ${p.cpuunits}`);
  if (p.cpus !== undefined) lines.push(`Setting CPUs: ${p.cpus}`);
  return lines;
}
