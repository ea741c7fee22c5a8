/**
 * Reads back the few things the driver needs from a domain's XML as libvirt prints it: our
 * metadata (template, creator), the description, disks, MACs and the vCPU/memory ceilings.
 * libvirt prints a fixed, well-formed layout, so targeted patterns are enough; no XML library.
 */
import { VPSOPS_XMLNS } from './xml.js';

export interface DomainDisk {
  /** Target device, e.g. `vda`. */
  target: string;
  /** Source file, for file-backed disks. */
  path?: string;
  /** `disk`, `cdrom`, … */
  device: string;
}

export interface DomainXmlInfo {
  description?: string;
  /** Template named in our metadata, for guests vpsops created. */
  template?: string;
  createdBy?: string;
  /** True when our metadata element is present: vpsops created this guest. */
  ours: boolean;
  disks: DomainDisk[];
  macs: string[];
  /** `<vcpu current=N>MAX</vcpu>`. */
  vcpus?: number;
  maxVcpus?: number;
  /** `<currentMemory>` and `<memory>` in KiB. */
  memoryKiB?: number;
  maxMemoryKiB?: number;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Undoes XML escaping (named entities and numeric references). */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ent: string) => {
    if (ent[0] === '#') {
      const code =
        ent[1] === 'x' || ent[1] === 'X' ? Number.parseInt(ent.slice(2), 16) : Number(ent.slice(1));
      return Number.isFinite(code) ? String.fromCodePoint(code) : all;
    }
    return ENTITIES[ent] ?? all;
  });
}

function attr(tag: string, name: string): string | undefined {
  const m = new RegExp(`\\s${name}=(?:"([^"]*)"|'([^']*)')`).exec(tag);
  const v = m?.[1] ?? m?.[2];
  return v === undefined ? undefined : unescapeXml(v);
}

function intOf(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text.trim()) ? Number(text.trim()) : undefined;
}

/** KiB from `<memory unit='KiB'>N</memory>` (libvirt always prints KiB). */
function kib(xml: string, element: 'memory' | 'currentMemory'): number | undefined {
  const m = new RegExp(`<${element}(\\s[^>]*)?>(\\d+)</${element}>`).exec(xml);
  return intOf(m?.[2]);
}

function metadataTag(xml: string): string | undefined {
  // Our element, whatever prefix libvirt gave the namespace when it printed it back.
  for (const m of xml.matchAll(/<([A-Za-z_][\w.-]*):guest\s[^>]*>/g)) {
    if (m[0].includes(VPSOPS_XMLNS)) return m[0];
  }
  return undefined;
}

function disks(xml: string): DomainDisk[] {
  const out: DomainDisk[] = [];
  for (const m of xml.matchAll(/<disk\s([^>]*)>([\s\S]*?)<\/disk>/g)) {
    const head = `<disk ${m[1] ?? ''}>`;
    const body = m[2] ?? '';
    const target = /<target\s[^>]*>/.exec(body)?.[0];
    const source = /<source\s[^>]*>/.exec(body)?.[0];
    const dev = target ? attr(target, 'dev') : undefined;
    if (dev === undefined) continue;
    const disk: DomainDisk = { target: dev, device: attr(head, 'device') ?? 'disk' };
    const path = source ? attr(source, 'file') : undefined;
    if (path !== undefined) disk.path = path;
    out.push(disk);
  }
  return out;
}

/** Parses the parts of a domain XML the driver uses. */
export function readDomainXml(xml: string): DomainXmlInfo {
  const info: DomainXmlInfo = { ours: false, disks: disks(xml), macs: [] };
  for (const m of xml.matchAll(/<mac\s[^>]*address=["']([0-9a-fA-F:]{17})["']/g)) {
    if (m[1]) info.macs.push(m[1].toLowerCase());
  }
  const description = /<description>([\s\S]*?)<\/description>/.exec(xml)?.[1];
  if (description !== undefined) info.description = unescapeXml(description);
  const meta = metadataTag(xml);
  if (meta) {
    info.ours = true;
    const template = attr(meta, 'template');
    const createdBy = attr(meta, 'createdBy');
    if (template !== undefined) info.template = template;
    if (createdBy !== undefined) info.createdBy = createdBy;
  }
  const vcpu = /<vcpu(\s[^>]*)?>(\d+)<\/vcpu>/.exec(xml);
  const maxVcpus = intOf(vcpu?.[2]);
  if (maxVcpus !== undefined) {
    info.maxVcpus = maxVcpus;
    info.vcpus = intOf(attr(vcpu?.[1] ?? '', 'current')) ?? maxVcpus;
  }
  const mem = kib(xml, 'memory');
  const cur = kib(xml, 'currentMemory');
  if (mem !== undefined) info.maxMemoryKiB = mem;
  if (cur !== undefined || mem !== undefined) info.memoryKiB = cur ?? mem;
  return info;
}

/** The XML with `count` vCPUs (raising the ceiling when `count` is above it), other attributes kept. */
export function withVcpus(xml: string, count: number): string {
  return xml.replace(/<vcpu(\s[^>]*)?>(\d+)<\/vcpu>/, (_all, attrs: string | undefined, max: string) => {
    const rest = (attrs ?? '').replace(/\scurrent=(?:"[^"]*"|'[^']*')/, '');
    const ceiling = Math.max(Number(max), count);
    const current = count < ceiling ? ` current='${count}'` : '';
    return `<vcpu${rest}${current}>${ceiling}</vcpu>`;
  });
}

/** The XML with `kib` KiB of memory (raising `<memory>` when `kib` is above it). */
export function withMemory(xml: string, kib: number): string {
  const max = readDomainXml(xml).maxMemoryKiB ?? 0;
  let out = xml.replace(
    /<currentMemory(\s[^>]*)?>\d+<\/currentMemory>/,
    `<currentMemory unit='KiB'>${kib}</currentMemory>`,
  );
  if (kib > max) out = out.replace(/<memory(\s[^>]*)?>\d+<\/memory>/, `<memory unit='KiB'>${kib}</memory>`);
  // libvirt prints <currentMemory> always; a hand-written XML without it gets one after <memory>.
  if (!/<currentMemory[\s>]/.test(out)) {
    out = out.replace(
      /(<memory(\s[^>]*)?>\d+<\/memory>)/,
      `$1\n  <currentMemory unit='KiB'>${kib}</currentMemory>`,
    );
  }
  return out;
}
