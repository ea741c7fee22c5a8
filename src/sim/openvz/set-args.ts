/** The options of `vzctl set` and `vzctl create`, parsed into typed params with vzctl's validation. */
import type { Logger } from './log.js';
import { UBC_NAMES, type UbcLimits, type UbcName, ubcKind } from './ubc.js';
import { isValidIp, parseKb, parsePages, parsePair, parseUbcValue } from './units.js';
import { type ArgsResult, type OptSpec, parseOptions } from './vzctl-args.js';

/** Everything `vzctl set` can change. Undefined means "not given". */
export interface SetParams {
  save: boolean;
  force: boolean;
  setmode?: string;
  ubc: UbcLimits;
  diskspace?: [number, number];
  diskinodes?: [number, number];
  hostname?: string;
  nameservers?: string[];
  searchdomains?: string[];
  ipadd: string[];
  ipdel: string[];
  cpus?: number;
  cpulimit?: number;
  cpuunits?: number;
  onboot?: boolean;
  bootorder?: number;
  disabled?: boolean;
  name?: string;
  description?: string;
  ostemplate?: string;
  ioprio?: number;
  iolimit?: number;
  iopslimit?: number;
  features?: Record<string, boolean>;
  capability?: Record<string, boolean>;
  netfilter?: string;
  vmOvercommit?: number;
  stopTimeout?: number;
}

export function emptySetParams(): SetParams {
  return { save: false, force: false, ubc: {}, ipadd: [], ipdel: [] };
}

const int = (v: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined =>
  /^\d+$/.test(v) && Number(v) >= min && Number(v) <= max ? Number(v) : undefined;
const any = (v: string): string => v;
const ip = (v: string): string | undefined => (isValidIp(v) ? v : undefined);
const yesNo = (v: string): boolean | undefined => (v === 'yes' ? true : v === 'no' ? false : undefined);
const ignore = (): void => undefined;

/** An option whose value goes through `parse`; undefined from the parser means a bad value. */
function val<P, T>(name: string, parse: (v: string) => T | undefined, set: (p: P, v: T) => void): OptSpec<P> {
  return {
    name,
    arg: true,
    handle: (p, v) => {
      const parsed = parse(v);
      if (parsed === undefined) return false;
      set(p, parsed);
      return true;
    },
  };
}

/** A flag that turns a boolean param on. */
function on<P>(name: string, key: keyof P): OptSpec<P> {
  return {
    name,
    arg: false,
    handle: (p) => {
      (p as Record<keyof P, unknown>)[key] = true;
      return true;
    },
  };
}

/** Setter that stores the parsed value under `key`. */
function into<P, K extends keyof P>(key: K): (p: P, v: NonNullable<P[K]>) => void {
  return (p, v) => {
    p[key] = v;
  };
}

/** Setter that appends to a list param (repeatable options). */
function push<P>(key: keyof P, split = false): (p: P, v: string) => void {
  return (p, v) => {
    const list = (p as Record<keyof P, string[] | undefined>)[key] ?? [];
    list.push(...(split ? v.split(/\s+/) : [v]));
    (p as Record<keyof P, string[]>)[key] = list;
  };
}

function onOff(v: string): Record<string, boolean> | undefined {
  const out: Record<string, boolean> = {};
  for (const item of v.split(/[\s,]+/).filter(Boolean)) {
    const [k, state] = item.split(':');
    if (!k || (state !== 'on' && state !== 'off')) return undefined;
    out[k] = state === 'on';
  }
  return out;
}

function setUbc(p: SetParams, name: UbcName, pair: [number, number]): void {
  p.ubc[name] = pair;
}

function ubcOpt(name: UbcName): OptSpec<SetParams> {
  const parse = (v: string) => parsePair(v, (s) => parseUbcValue(s, ubcKind(name)));
  return val(name, parse, (p: SetParams, pair) => setUbc(p, name, pair));
}

/** `--cpulimit N` is percent of one CPU; `N%` is percent of the whole host. */
function cpulimitParser(hostCpus: number) {
  return (v: string): number | undefined => {
    const pct = v.endsWith('%');
    const n = int(pct ? v.slice(0, -1) : v);
    if (n === undefined || (pct && n > 100)) return undefined;
    return pct ? n * hostCpus : n;
  };
}

/** Addresses, names and resources: options whose values need checking. */
function valueSpecs(hostCpus: number): OptSpec<SetParams>[] {
  type S = SetParams;
  const float = (v: string) => (/^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
  return [
    val('ipadd', ip, push<S>('ipadd')),
    val('ip', ip, push<S>('ipadd')),
    val('ipdel', (v) => (v === 'all' ? v : ip(v)), push<S>('ipdel')),
    val('nameserver', any, push<S>('nameservers', true)),
    val('searchdomain', any, push<S>('searchdomains', true)),
    ...UBC_NAMES.map(ubcOpt),
    val('ram', parsePages, (p: S, n) => setUbc(p, 'physpages', [0, n])),
    val('swap', parsePages, (p: S, n) => setUbc(p, 'swappages', [0, n])),
    val('diskspace', (v) => parsePair(v, parseKb), into<S, 'diskspace'>('diskspace')),
    val('diskinodes', (v) => parsePair(v, (s) => int(s)), into<S, 'diskinodes'>('diskinodes')),
    val('cpus', (v) => (v === 'unlimited' ? 0 : int(v)), into<S, 'cpus'>('cpus')),
    val('cpulimit', cpulimitParser(hostCpus), into<S, 'cpulimit'>('cpulimit')),
    val('cpuunits', (v) => int(v, 8, 500_000), into<S, 'cpuunits'>('cpuunits')),
    val(
      'cpuweight',
      (v) => int(v, 1, 500),
      (p: S, n) => into<S, 'cpuunits'>('cpuunits')(p, n * 1000),
    ),
    val('ioprio', (v) => int(v, 0, 7), into<S, 'ioprio'>('ioprio')),
    val('iolimit', (v) => parseUbcValue(v, 'bytes'), into<S, 'iolimit'>('iolimit')),
    val('iopslimit', (v) => int(v), into<S, 'iopslimit'>('iopslimit')),
    val('vm_overcommit', float, into<S, 'vmOvercommit'>('vmOvercommit')),
    val('quotatime', (v) => int(v), ignore),
    val('quotaugidlimit', (v) => int(v), ignore),
  ];
}

/** Flags, yes/no switches and free-text settings. */
function settingSpecs(): OptSpec<SetParams>[] {
  type S = SetParams;
  const merge = (key: 'features' | 'capability') => (p: S, m: Record<string, boolean>) => {
    p[key] = { ...p[key], ...m };
  };
  return [
    on<S>('save', 'save'),
    on<S>('force', 'force'),
    { name: 'reset_ub', arg: false, handle: () => true },
    val('setmode', (v) => (v === 'restart' || v === 'ignore' ? v : undefined), into<S, 'setmode'>('setmode')),
    val('onboot', yesNo, into<S, 'onboot'>('onboot')),
    val('disabled', yesNo, into<S, 'disabled'>('disabled')),
    val('bootorder', (v) => int(v), into<S, 'bootorder'>('bootorder')),
    val('stop-timeout', (v) => int(v), into<S, 'stopTimeout'>('stopTimeout')),
    val('hostname', any, into<S, 'hostname'>('hostname')),
    val('netfilter', any, into<S, 'netfilter'>('netfilter')),
    val('name', any, into<S, 'name'>('name')),
    val('description', any, into<S, 'description'>('description')),
    val('ostemplate', any, into<S, 'ostemplate'>('ostemplate')),
    val('features', onOff, merge('features')),
    val('capability', onOff, merge('capability')),
    ...['userpasswd', 'noatime', 'iptables', 'applyconfig', 'mount_opts'].map((n) => val(n, any, ignore)),
  ];
}

/** Parses `vzctl set` options; `hostCpus` resolves `--cpulimit N%`. */
export function parseSet(args: readonly string[], hostCpus: number, log: Logger): ArgsResult<SetParams> {
  return parseOptions(args, [...valueSpecs(hostCpus), ...settingSpecs()], emptySetParams(), log, {
    unknownCode: 21,
  });
}

/** `vzctl create` options. */
export interface CreateParams {
  ostemplate?: string;
  config?: string;
  hostname?: string;
  name?: string;
  description?: string;
  layout?: 'ploop' | 'simfs';
  diskspace?: [number, number];
  diskinodes?: [number, number];
  ipadd: string[];
  privatePath?: string;
  rootPath?: string;
}

/** `ploop`, `simfs`, or `ploop:<mode>`. */
function layoutOf(v: string): 'ploop' | 'simfs' | undefined {
  const base = v.split(':')[0];
  return base === 'ploop' || base === 'simfs' ? base : undefined;
}

export function parseCreate(args: readonly string[], log: Logger): ArgsResult<CreateParams> {
  type C = CreateParams;
  const specs: OptSpec<C>[] = [
    val('ostemplate', any, into<C, 'ostemplate'>('ostemplate')),
    val('config', any, into<C, 'config'>('config')),
    val('private', any, into<C, 'privatePath'>('privatePath')),
    val('root', any, into<C, 'rootPath'>('rootPath')),
    val('ipadd', ip, push<C>('ipadd')),
    val('hostname', any, into<C, 'hostname'>('hostname')),
    val('name', any, into<C, 'name'>('name')),
    val('description', any, into<C, 'description'>('description')),
    ...['layout', 've_layout', 'velayout'].map((n) => val(n, layoutOf, into<C, 'layout'>('layout'))),
    val('diskspace', (v) => parsePair(v, parseKb), into<C, 'diskspace'>('diskspace')),
    val('diskinodes', (v) => parsePair(v, (s) => int(s)), into<C, 'diskinodes'>('diskinodes')),
  ];
  return parseOptions(args, specs, { ipadd: [] }, log, { unknownCode: 21 });
}
