/**
 * Domain XML for `create`: built from a spec, or filled into an operator's template file.
 * Every value is checked, then XML-escaped, so a description such as `<b>"Tom's" & co</b>` ends up
 * as text and never as markup.
 */
import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { OpError } from '../../model/errors.js';
import {
  checkDescription,
  checkDomainName,
  checkMac,
  checkMemoryBytes,
  checkUuid,
  checkVcpus,
  hasXmlIllegalChars,
  printable,
} from './validate.js';

/** The namespace of our `<metadata>` element; libvirt keeps foreign metadata verbatim. */
export const VPSOPS_XMLNS = 'https://vpsops.dev/xmlns/guest/1';

/** Where the guest's NIC is plugged: a libvirt network, a host bridge, or nowhere. */
export type NetworkSpec = { type: 'network'; source: string } | { type: 'bridge'; source: string };

/** Everything that goes into the domain XML of a new guest. */
export interface DomainSpec {
  name: string;
  /** Generated when absent. */
  uuid?: string;
  vcpus: number;
  /** Hot-plug ceiling; defaults to `vcpus`. */
  maxVcpus?: number;
  memoryBytes: number;
  /** Balloon ceiling; defaults to `memoryBytes`. */
  maxMemoryBytes?: number;
  /** Absolute path of the qcow2 overlay. */
  diskPath: string;
  diskFormat: 'qcow2';
  mac: string;
  description: string;
  /** `kvm` on hosts with /dev/kvm, `qemu` (TCG emulation) elsewhere. */
  domainType: 'qemu' | 'kvm';
  /** QEMU machine type; default `pc`. */
  machine?: string;
  /** Guest architecture; default `x86_64`. */
  arch?: string;
  /** Absent: no NIC at all. */
  network?: NetworkSpec;
  /** Who asked for the guest (chat user id or name). */
  createdBy: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** The template the guest was made from, kept in metadata for the inventory. */
  template?: string;
}

const TOKEN_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Linux interface names are at most 15 bytes (IFNAMSIZ - 1).
const BRIDGE_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,14}$/;
const KIB = 1024;

/** Escapes text for both element content and single- or double-quoted attribute values. */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Bytes → KiB for `<memory unit='KiB'>`, rounded up so a guest never gets less than asked. */
export function toKiB(bytes: number): number {
  return Math.ceil(bytes / KIB);
}

function bad(message: string): OpError {
  return new OpError('BAD_INPUT', message);
}

function checkToken(what: string, value: string, re = TOKEN_RE): string {
  if (typeof value !== 'string' || !re.test(value))
    throw bad(`"${printable(value)}" is not a valid ${what}.`);
  return value;
}

function checkFreeText(what: string, value: string): string {
  if (typeof value !== 'string' || value.length > 200 || hasXmlIllegalChars(value)) {
    throw bad(`The ${what} must be at most 200 characters without control characters.`);
  }
  return value;
}

/** The spec with defaults applied and every value checked; throws BAD_INPUT on the first problem. */
export interface ResolvedSpec extends Required<Omit<DomainSpec, 'network' | 'template'>> {
  network?: NetworkSpec;
  template?: string;
}

/** Checks a spec and fills its defaults (uuid, maxima, machine, arch). */
export function resolveSpec(spec: DomainSpec): ResolvedSpec {
  const vcpus = checkVcpus(spec.vcpus);
  const maxVcpus = checkVcpus(spec.maxVcpus ?? vcpus, 'maximum vCPU count');
  if (maxVcpus < vcpus) throw bad(`The maximum vCPU count (${maxVcpus}) is below the vCPU count (${vcpus}).`);
  const memoryBytes = checkMemoryBytes(spec.memoryBytes);
  const maxMemoryBytes = checkMemoryBytes(spec.maxMemoryBytes ?? memoryBytes);
  if (maxMemoryBytes < memoryBytes) throw bad('The maximum memory is below the memory asked for.');
  if (spec.diskFormat !== 'qcow2') throw bad(`Disk format "${printable(spec.diskFormat)}" is not supported.`);
  if (typeof spec.diskPath !== 'string' || !isAbsolute(spec.diskPath) || hasXmlIllegalChars(spec.diskPath)) {
    throw bad(`The disk path "${printable(spec.diskPath)}" must be an absolute path.`);
  }
  if (spec.domainType !== 'qemu' && spec.domainType !== 'kvm') {
    throw bad(`Domain type "${printable(spec.domainType)}" must be qemu or kvm.`);
  }
  const resolved: ResolvedSpec = {
    name: checkDomainName(spec.name),
    uuid: checkUuid(spec.uuid ?? randomUUID()),
    vcpus,
    maxVcpus,
    memoryBytes,
    maxMemoryBytes,
    diskPath: spec.diskPath,
    diskFormat: 'qcow2',
    mac: checkMac(spec.mac),
    description: checkDescription(spec.description),
    domainType: spec.domainType,
    machine: checkToken('machine type', spec.machine ?? 'pc'),
    arch: checkToken('architecture', spec.arch ?? 'x86_64'),
    createdBy: checkFreeText('creator', spec.createdBy),
    createdAt: checkFreeText('creation time', spec.createdAt),
  };
  if (spec.network) resolved.network = checkNetwork(spec.network);
  if (spec.template !== undefined) resolved.template = checkToken('template name', spec.template);
  return resolved;
}

function checkNetwork(net: NetworkSpec): NetworkSpec {
  if (net.type === 'network')
    return { type: 'network', source: checkToken('libvirt network name', net.source) };
  if (net.type === 'bridge')
    return { type: 'bridge', source: checkToken('bridge name', net.source, BRIDGE_RE) };
  throw bad(`Network type "${printable((net as { type: unknown }).type)}" must be network or bridge.`);
}

/** Our metadata element: who created the guest, when, from which template. Goes inside `<metadata>`. */
export function guestMetadataElement(s: Pick<ResolvedSpec, 'createdBy' | 'createdAt' | 'template'>): string {
  const template = s.template === undefined ? '' : ` template='${escapeXml(s.template)}'`;
  return (
    `<vpsops:guest xmlns:vpsops='${VPSOPS_XMLNS}' createdBy='${escapeXml(s.createdBy)}' ` +
    `createdAt='${escapeXml(s.createdAt)}'${template}/>`
  );
}

function interfaceXml(net: NetworkSpec | undefined, mac: string): string[] {
  if (!net) return [];
  const source =
    net.type === 'network' ? `network='${escapeXml(net.source)}'` : `bridge='${escapeXml(net.source)}'`;
  return [
    `    <interface type='${net.type}'>`,
    `      <mac address='${mac}'/>`,
    `      <source ${source}/>`,
    `      <model type='virtio'/>`,
    '    </interface>',
  ];
}

function devicesXml(s: ResolvedSpec): string[] {
  return [
    '  <devices>',
    `    <disk type='file' device='disk'>`,
    `      <driver name='qemu' type='${s.diskFormat}' discard='unmap'/>`,
    `      <source file='${escapeXml(s.diskPath)}'/>`,
    `      <target dev='vda' bus='virtio'/>`,
    '    </disk>',
    ...interfaceXml(s.network, s.mac),
    // A serial console, so `virsh console` works on guests without graphics.
    `    <serial type='pty'>`,
    `      <target port='0'/>`,
    '    </serial>',
    `    <console type='pty'>`,
    `      <target type='serial' port='0'/>`,
    '    </console>',
    // The guest agent channel: graceful shutdown and IP addresses when the guest runs qemu-ga.
    `    <channel type='unix'>`,
    `      <target type='virtio' name='org.qemu.guest_agent.0'/>`,
    '    </channel>',
    `    <memballoon model='virtio'/>`,
    '  </devices>',
  ];
}

/**
 * The domain XML of a new guest. Memory is in KiB with `<memory>` = maximum and `<currentMemory>` =
 * what the guest gets; `<vcpu current>` likewise. `on_crash` is destroy so a crashed guest shows up
 * as shut off (crashed) and the crash alert fires, instead of a silent restart loop.
 */
export function buildDomainXml(spec: DomainSpec): string {
  const s = resolveSpec(spec);
  return [
    `<domain type='${s.domainType}'>`,
    `  <name>${s.name}</name>`,
    `  <uuid>${s.uuid}</uuid>`,
    `  <description>${escapeXml(s.description)}</description>`,
    '  <metadata>',
    `    ${guestMetadataElement(s)}`,
    '  </metadata>',
    `  <memory unit='KiB'>${toKiB(s.maxMemoryBytes)}</memory>`,
    `  <currentMemory unit='KiB'>${toKiB(s.memoryBytes)}</currentMemory>`,
    `  <vcpu placement='static' current='${s.vcpus}'>${s.maxVcpus}</vcpu>`,
    '  <os>',
    `    <type arch='${s.arch}' machine='${s.machine}'>hvm</type>`,
    `    <boot dev='hd'/>`,
    '  </os>',
    // ACPI is what `virsh shutdown` uses to ask the guest OS to power off.
    '  <features>',
    '    <acpi/>',
    '    <apic/>',
    '  </features>',
    `  <clock offset='utc'/>`,
    '  <on_poweroff>destroy</on_poweroff>',
    '  <on_reboot>restart</on_reboot>',
    '  <on_crash>destroy</on_crash>',
    ...devicesXml(s),
    '</domain>',
    '',
  ].join('\n');
}
