/** Reading and writing container configs: the file on disk and the typed view the actions use. */
import * as fs from 'node:fs';
import { ConfFile } from './conf-file.js';
import { atomicWrite, exists, readText } from './fsutil.js';
import { type Host, vpath } from './paths.js';
import { isUbcName, UBC_NAMES, type UbcLimits, type UbcName, ubcKind } from './ubc.js';
import { fmtUbcPair, parseKb, parsePair, parseUbcValue } from './units.js';

/** What the simulator needs to know about a CT, taken from its config file. */
export interface CtConfig {
  ctid: number;
  name?: string;
  hostname?: string;
  description?: string;
  ostemplate?: string;
  originSample?: string;
  layout: 'ploop' | 'simfs';
  /** Host paths with $VEID substituted. */
  privatePath: string;
  rootPath: string;
  mountOpts?: string;
  ips: string[];
  nameservers: string[];
  searchdomains: string[];
  ubc: UbcLimits;
  diskspace?: [number, number];
  diskinodes?: [number, number];
  cpuunits?: number;
  cpulimit?: number;
  cpus?: number;
  onboot?: boolean;
  bootorder?: number;
  disabled: boolean;
  ioprio?: number;
  iolimit?: number;
  iopslimit?: number;
  features?: Record<string, boolean>;
  capability?: Record<string, boolean>;
  netfilter?: string;
  vmOvercommit?: number;
}

/** Config key of a UBC resource (`physpages` → `PHYSPAGES`). */
export function ubcKey(name: UbcName): string {
  return name.toUpperCase();
}

export function readConf(host: Host, id: number): ConfFile | undefined {
  const text = readText(host.real(vpath.conf(id)));
  return text === undefined ? undefined : ConfFile.parse(text);
}

export function writeConf(host: Host, id: number, conf: ConfFile): void {
  atomicWrite(host.real(vpath.conf(id)), conf.toString());
}

export function readGlobalConf(host: Host): ConfFile {
  return ConfFile.parse(readText(host.real(vpath.globalConf)) ?? '');
}

/** CTIDs that have a config file (`<id>.conf`, not `.conf.destroyed`), ascending. */
export function listCtIds(host: Host): number[] {
  let names: string[] = [];
  try {
    names = fs.readdirSync(host.real(vpath.confDir));
  } catch {
    return [];
  }
  const ids = names.map((n) => /^(\d+)\.conf$/.exec(n)?.[1]).filter((s): s is string => s !== undefined);
  return ids.map(Number).sort((a, b) => a - b);
}

/** The CT that carries NAME, if any (what vzctl's get_veid_by_name answers). */
export function findByName(host: Host, name: string): number | undefined {
  return listCtIds(host).find((id) => readConf(host, id)?.get('NAME') === name);
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v.trim())) return undefined;
  return Number(v);
}

function list(v: string | undefined): string[] {
  return (v ?? '').split(/\s+/).filter(Boolean);
}

function yesNo(v: string | undefined): boolean | undefined {
  return v === 'yes' ? true : v === 'no' ? false : undefined;
}

/** `nfs:on sit:off` → `{ nfs: true, sit: false }`; undefined when nothing is set. */
function onOffMap(v: string | undefined): Record<string, boolean> | undefined {
  const out: Record<string, boolean> = {};
  for (const item of list(v)) {
    const [k, state] = item.split(':');
    if (k && (state === 'on' || state === 'off')) out[k] = state === 'on';
  }
  return Object.keys(out).length ? out : undefined;
}

function ubcLimits(conf: ConfFile): UbcLimits {
  const out: UbcLimits = {};
  for (const name of UBC_NAMES) {
    const raw = conf.get(ubcKey(name));
    const pair = raw === undefined ? undefined : parsePair(raw, (s) => parseUbcValue(s, ubcKind(name)));
    if (pair) out[name] = pair;
  }
  return out;
}

function layoutOf(host: Host, conf: ConfFile, privatePath: string): 'ploop' | 'simfs' {
  const v = conf.get('VE_LAYOUT');
  if (v === 'ploop' || v === 'simfs') return v;
  return exists(host.real(`${privatePath}/root.hdd`)) ? 'ploop' : 'simfs';
}

/** Config keys copied as strings / numbers into the view. */
const STRING_KEYS: [keyof CtConfig, string][] = [
  ['name', 'NAME'],
  ['hostname', 'HOSTNAME'],
  ['description', 'DESCRIPTION'],
  ['ostemplate', 'OSTEMPLATE'],
  ['originSample', 'ORIGIN_SAMPLE'],
  ['mountOpts', 'MOUNT_OPTS'],
  ['netfilter', 'NETFILTER'],
];
const NUMBER_KEYS: [keyof CtConfig, string][] = [
  ['cpuunits', 'CPUUNITS'],
  ['cpulimit', 'CPULIMIT'],
  ['cpus', 'CPUS'],
  ['bootorder', 'BOOTORDER'],
  ['ioprio', 'IOPRIO'],
  ['iolimit', 'IOLIMIT'],
  ['iopslimit', 'IOPSLIMIT'],
  ['vmOvercommit', 'VM_OVERCOMMIT'],
];

/** The optional members of the view: only keys present in the file appear. */
function optionalParts(conf: ConfFile): Partial<CtConfig> {
  const out: Record<string, unknown> = {};
  for (const [field, key] of STRING_KEYS) out[field] = conf.get(key);
  for (const [field, key] of NUMBER_KEYS) out[field] = num(conf.get(key));
  const disk = (key: string) => {
    const raw = conf.get(key);
    return raw === undefined ? undefined : parsePair(raw, parseKb);
  };
  out.diskspace = disk('DISKSPACE');
  out.diskinodes = disk('DISKINODES');
  out.onboot = yesNo(conf.get('ONBOOT'));
  out.features = onOffMap(conf.get('FEATURES'));
  out.capability = onOffMap(conf.get('CAPABILITY'));
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as Partial<CtConfig>;
}

/** The typed view of one CT config. */
export function ctConfig(host: Host, id: number, conf: ConfFile): CtConfig {
  const sub = (v: string | undefined, dflt: string) => (v ?? dflt).replaceAll('$VEID', String(id));
  const privatePath = sub(conf.get('VE_PRIVATE'), vpath.private(id));
  return {
    ctid: id,
    layout: layoutOf(host, conf, privatePath),
    privatePath,
    rootPath: sub(conf.get('VE_ROOT'), vpath.root(id)),
    ips: list(conf.get('IP_ADDRESS')),
    nameservers: list(conf.get('NAMESERVER')),
    searchdomains: list(conf.get('SEARCHDOMAIN')),
    ubc: ubcLimits(conf),
    disabled: conf.get('DISABLED') === 'yes',
    ...optionalParts(conf),
  };
}

/** Rewrites size-suffixed values (`0:256M`, `2G:2.2G`) in canonical pages/KB form, as a saved config has. */
export function normalizeConf(conf: ConfFile): void {
  for (const key of conf.keys()) {
    const lower = key.toLowerCase();
    const raw = conf.get(key) ?? '';
    if (isUbcName(lower)) {
      const pair = parsePair(raw, (s) => parseUbcValue(s, ubcKind(lower)));
      if (pair) conf.set(key, fmtUbcPair(pair));
    } else if (key === 'DISKSPACE' || key === 'DISKINODES') {
      const pair = parsePair(raw, key === 'DISKSPACE' ? parseKb : (s) => num(s));
      if (pair) conf.set(key, `${pair[0]}:${pair[1]}`);
    }
  }
}
