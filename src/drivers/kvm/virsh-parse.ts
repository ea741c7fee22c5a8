/**
 * Parsers for virsh output the driver reads in bulk: `domstats --raw` (one call for every guest),
 * `domstate --reason` and `nodeinfo`. Run virsh with LC_ALL=C: the words parsed here are translated
 * in other locales. Fixtures: test/fixtures/kvm/ (captured from real virsh 9.0).
 */
import { OpError } from '../../model/errors.js';
import type { Guest } from '../../model/hypervisor.js';
import { type MappedState, mapStateNumbers, mapStateWords } from './states.js';

/** One disk of a domain (`block.N.*`). Sizes are bytes; absent when libvirt did not report them. */
export interface DiskStats {
  /** Target device (`vda`). */
  name?: string;
  /** Source file, for file-backed disks. */
  path?: string;
  /** Virtual size. */
  capacityBytes?: number;
  /** Bytes in use inside the image (running guests only). */
  allocationBytes?: number;
  /** Size of the image file on the host. */
  physicalBytes?: number;
}

/** One `Domain: 'name'` block of `virsh domstats --raw`. */
export interface DomainStats extends MappedState {
  name: string;
  /** virDomainState and reason numbers, as reported. */
  stateCode?: number;
  reasonCode?: number;
  vcpusCurrent?: number;
  vcpusMaximum?: number;
  /** `balloon.current`: memory the guest has now. */
  memoryKiB?: number;
  /** `balloon.maximum`: the `<memory>` ceiling. */
  maxMemoryKiB?: number;
  disks: DiskStats[];
  /** Every `key=value` line, for fields not lifted above. */
  fields: Record<string, string>;
}

/**
 * Arguments for one bulk stats call. `--nowait` skips stats of a guest whose libvirt job is busy
 * instead of blocking the whole scan behind it. Drivers that lack a group (the test driver only
 * has `state`) leave it out silently, since `--enforce` is not given.
 */
export function domstatsArgs(opts: { nowait?: boolean } = {}): string[] {
  const args = ['domstats', '--raw', '--state', '--vcpu', '--balloon', '--block'];
  if (opts.nowait ?? true) args.push('--nowait');
  return args;
}

function malformed(what: string, line: string): OpError {
  return new OpError('HYPERVISOR', `virsh ${what} printed output in an unexpected format.`, { detail: line });
}

function num(fields: Record<string, string>, key: string): number | undefined {
  const v = fields[key];
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v);
}

function disksOf(fields: Record<string, string>): DiskStats[] {
  const count = num(fields, 'block.count') ?? 0;
  const disks: DiskStats[] = [];
  for (let i = 0; i < count; i++) {
    const d: DiskStats = {};
    const name = fields[`block.${i}.name`];
    const path = fields[`block.${i}.path`];
    const capacity = num(fields, `block.${i}.capacity`);
    const allocation = num(fields, `block.${i}.allocation`);
    const physical = num(fields, `block.${i}.physical`);
    if (name !== undefined) d.name = name;
    if (path !== undefined) d.path = path;
    if (capacity !== undefined) d.capacityBytes = capacity;
    if (allocation !== undefined) d.allocationBytes = allocation;
    if (physical !== undefined) d.physicalBytes = physical;
    disks.push(d);
  }
  return disks;
}

function toStats(name: string, fields: Record<string, string>): DomainStats {
  const stateCode = num(fields, 'state.state');
  const reasonCode = num(fields, 'state.reason');
  const mapped: MappedState =
    stateCode === undefined ? { state: 'unknown' } : mapStateNumbers(stateCode, reasonCode ?? 0);
  const s: DomainStats = { name, ...mapped, disks: disksOf(fields), fields };
  const set = <K extends keyof DomainStats>(key: K, value: DomainStats[K] | undefined) => {
    if (value !== undefined) s[key] = value;
  };
  set('stateCode', stateCode);
  set('reasonCode', reasonCode);
  set('vcpusCurrent', num(fields, 'vcpu.current'));
  set('vcpusMaximum', num(fields, 'vcpu.maximum'));
  set('memoryKiB', num(fields, 'balloon.current'));
  set('maxMemoryKiB', num(fields, 'balloon.maximum'));
  return s;
}

const DOMAIN_RE = /^Domain: '(.*)'$/;

/**
 * Parses `virsh domstats --raw`: blocks of `Domain: 'name'` then indented `key=value` lines,
 * separated by blank lines, in libvirt's order (not sorted). Values may contain `=` (paths).
 * Empty output is a host without guests.
 */
export function parseDomstats(stdout: string): DomainStats[] {
  const out: DomainStats[] = [];
  let name: string | undefined;
  let fields: Record<string, string> = {};
  const flush = () => {
    if (name !== undefined) out.push(toStats(name, fields));
  };
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') continue;
    const header = DOMAIN_RE.exec(line);
    if (header) {
      flush();
      name = header[1] ?? '';
      fields = {};
      continue;
    }
    const eq = line.indexOf('=');
    if (name === undefined || eq < 0 || !/^\s/.test(line)) throw malformed('domstats', line);
    fields[line.slice(0, eq).trim()] = line.slice(eq + 1);
  }
  flush();
  return out;
}

/**
 * One domain's stats → Guest. Memory is what the guest has now (balloon current, else the maximum);
 * disk is the sum of the virtual sizes of its disks. Fields a driver did not report are 0, so the
 * caller can fill them from elsewhere (the test driver reports state only).
 */
export function statsToGuest(s: DomainStats): Guest {
  const kib = s.memoryKiB ?? s.maxMemoryKiB ?? 0;
  const guest: Guest = {
    id: s.name,
    name: s.name,
    state: s.state,
    vcpus: s.vcpusCurrent ?? 0,
    memoryBytes: kib * 1024,
    diskBytes: s.disks.reduce((sum, d) => sum + (d.capacityBytes ?? 0), 0),
    ips: [],
  };
  if (s.reason !== undefined) guest.stateReason = s.reason;
  return guest;
}

const DOMSTATE_RE = /^([a-z ]+?)(?: \((.+)\))?$/;

/**
 * Parses `virsh domstate [--reason]` (`shut off (crashed)`, `paused (user)`, `running`).
 * Throws HYPERVISOR when the text is not a state line.
 */
export function parseDomstate(stdout: string): MappedState & { raw: string } {
  const raw = stdout.trim().split('\n')[0]?.trim() ?? '';
  const m = DOMSTATE_RE.exec(raw);
  if (!m?.[1]) throw malformed('domstate', raw);
  return { ...mapStateWords(m[1], m[2]), raw };
}

/** The host figures from `virsh nodeinfo`. */
export interface NodeInfo {
  /** `CPU(s)`: logical CPUs (threads) libvirt can use. */
  cpus: number;
  memoryBytes: number;
  cpuModel?: string;
  mhz?: number;
  sockets?: number;
  coresPerSocket?: number;
  threadsPerCore?: number;
  numaCells?: number;
}

function kv(stdout: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) map.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  return map;
}

function leadingInt(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^(\d+)/.exec(value);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

/** Parses `virsh nodeinfo`; throws HYPERVISOR when CPU(s) or Memory size is missing. */
export function parseNodeinfo(stdout: string): NodeInfo {
  const map = kv(stdout);
  const cpus = leadingInt(map.get('CPU(s)'));
  const mem = /^(\d+) KiB$/.exec(map.get('Memory size') ?? '');
  if (cpus === undefined || !mem?.[1]) throw malformed('nodeinfo', stdout.trim().slice(0, 2000));
  const info: NodeInfo = { cpus, memoryBytes: Number(mem[1]) * 1024 };
  const opt: [keyof NodeInfo, string][] = [
    ['mhz', 'CPU frequency'],
    ['sockets', 'CPU socket(s)'],
    ['coresPerSocket', 'Core(s) per socket'],
    ['threadsPerCore', 'Thread(s) per core'],
    ['numaCells', 'NUMA cell(s)'],
  ];
  for (const [key, label] of opt) {
    const v = leadingInt(map.get(label));
    if (v !== undefined) (info as unknown as Record<string, number>)[key] = v;
  }
  const model = map.get('CPU model');
  if (model) info.cpuModel = model;
  return info;
}
