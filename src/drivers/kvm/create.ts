/**
 * create (a qcow2 overlay on the template's base image, a stable MAC, a domain defined through
 * the binding) and destroy (power off, undefine with snapshot metadata, remove the overlay that
 * create made and nothing else). On the test driver no disk is made or removed.
 */
import { readFile, rm } from 'node:fs/promises';
import { OpError } from '../../model/errors.js';
import type { CreateSpec, Guest, OpContext } from '../../model/hypervisor.js';
import { XML_INACTIVE } from './binding.js';
import type { KvmContext } from './context.js';
import { createOverlay, resolveBaseImage } from './disk.js';
import { readDomainXml } from './domain-xml.js';
import type { Inventory } from './inventory.js';
import { destroyIfRunning, domainState } from './lifecycle.js';
import { stableMac } from './mac.js';
import { DomainState } from './states.js';
import { checkDiskBytes, checkDomainName, checkTemplateName, overlayPath } from './validate.js';
import { buildDomainXml, type DomainSpec, type NetworkSpec } from './xml.js';
import { renderDomainTemplate } from './xml-template.js';

/** A template: the base image new disks are overlays of, and optionally a domain XML template. */
export interface KvmTemplate {
  /** qcow2 base image; relative paths are inside the image directory. */
  image: string;
  /** A domain XML file with `{{placeholders}}` (see xml-template.ts); the built-in XML otherwise. */
  xml?: string;
}

export interface CreateSettings {
  templates: Readonly<Record<string, KvmTemplate>>;
  domainType: 'qemu' | 'kvm';
  network?: NetworkSpec;
  /** This host's name: with the guest name it seeds the stable MAC. */
  hostName: string;
}

const MAC_ATTEMPTS = 16;

export async function createGuest(
  k: KvmContext,
  s: CreateSettings,
  inv: Inventory,
  spec: CreateSpec,
  ctx: OpContext,
): Promise<Guest> {
  const name = checkDomainName(spec.name);
  const templateName = checkTemplateName(spec.template);
  const template = s.templates[templateName];
  // The test driver makes no disks, so any template name will do there.
  if (!template && !k.testDriver) {
    const known = Object.keys(s.templates);
    throw new OpError(
      'TEMPLATE_NOT_FOUND',
      `Template ${templateName} is not configured on this host${known.length ? ` (templates: ${known.join(', ')})` : ''}.`,
    );
  }
  const diskBytes = checkDiskBytes(spec.diskBytes);
  ctx.progress?.(5, 'checking that the name is free');
  await ensureAbsent(k, name);
  const mac = await pickMac(k, s.hostName, name);
  const diskPath = overlayPath(k.imageDir, name);
  const domainSpec = specFor(s, spec, name, templateName, diskPath, mac);
  // Rendered before any disk exists, so a broken template costs nothing to undo.
  const xml = template?.xml
    ? renderDomainTemplate(await readTemplate(template.xml, templateName), domainSpec, templateName)
    : buildDomainXml(domainSpec);
  if (template && !k.testDriver) {
    ctx.progress?.(20, `creating a ${templateName} disk`);
    const base = await resolveBaseImage(k, templateName, template.image);
    await createOverlay(k, { base, path: diskPath, bytes: diskBytes, guest: name, signal: ctx.signal });
  }
  ctx.progress?.(70, 'defining the guest');
  try {
    await k.lv.run('create', (c) => c.domainDefineXML(xml));
  } catch (err) {
    if (template && !k.testDriver) await rm(diskPath, { force: true }).catch(() => {});
    throw err instanceof OpError && err.code === 'ALREADY_EXISTS'
      ? new OpError('ALREADY_EXISTS', `A guest named ${name} already exists on this host.`, { cause: err })
      : err;
  }
  inv.forget(name);
  ctx.progress?.(95, 'reading back the new guest');
  const guest = await inv.guest(name, ctx.signal);
  ctx.progress?.(100, `${name} created`);
  return guest;
}

export async function destroyGuest(k: KvmContext, inv: Inventory, id: string, ctx: OpContext): Promise<void> {
  const name = checkDomainName(id);
  ctx.progress?.(5, 'reading the guest definition');
  const xml = await k.lv.domain('destroy', name, (c, d) => c.domainGetXMLDesc(d, XML_INACTIVE));
  const def = readDomainXml(xml);
  const state = await domainState(k, name, 'destroy');
  if (state !== DomainState.SHUTOFF && state !== DomainState.CRASHED) {
    ctx.progress?.(20, 'powering off');
    await destroyIfRunning(k, name);
  }
  ctx.progress?.(50, 'removing the definition and its snapshots');
  if (k.testDriver) {
    await k.lv.domain('destroy', name, (c, d) => c.domainUndefine(d));
  } else {
    // Everything libvirt keeps for the guest goes with it (UEFI guests cannot be undefined without --nvram).
    const extras = ['--snapshots-metadata', '--checkpoints-metadata', '--managed-save', '--nvram'];
    const args = ['undefine', '--domain', name, ...extras];
    await k.virsh.ok(args, { action: 'destroy', guest: name, signal: ctx.signal });
  }
  inv.forget(name);
  if (!k.testDriver) await removeOwnDisks(k, name, def);
  ctx.progress?.(100, `${name} destroyed`);
}

/** Removes the overlay create made (`<imageDir>/<name>.qcow2`, on a guest with our metadata); keeps any other disk. */
async function removeOwnDisks(
  k: KvmContext,
  name: string,
  def: ReturnType<typeof readDomainXml>,
): Promise<void> {
  const own = overlayPath(k.imageDir, name);
  for (const disk of def.disks) {
    if (disk.path === undefined) continue;
    if (def.ours && disk.path === own) {
      await rm(disk.path, { force: true });
      k.log.info({ guest: name, path: disk.path }, 'removed the disk of a destroyed guest');
    } else {
      k.log.info({ guest: name, path: disk.path }, 'kept a disk vpsops did not create');
    }
  }
}

async function ensureAbsent(k: KvmContext, name: string): Promise<void> {
  try {
    await k.lv.domain('create', name, async () => undefined);
  } catch (err) {
    if (err instanceof OpError && err.code === 'GUEST_NOT_FOUND') return;
    throw err;
  }
  throw new OpError('ALREADY_EXISTS', `A guest named ${name} already exists on this host.`);
}

/** The stable MAC of the guest, or the next stable candidate when another domain already has it. */
async function pickMac(k: KvmContext, hostName: string, name: string): Promise<string> {
  const used = await k.lv.run('create', async (c) => {
    const domains = await c.connectListAllDomains();
    const xmls = await Promise.all(domains.map((d) => c.domainGetXMLDesc(d).catch(() => '')));
    return new Set(xmls.flatMap((x) => readDomainXml(x).macs));
  });
  for (let attempt = 0; attempt < MAC_ATTEMPTS; attempt++) {
    const mac = stableMac(hostName, name, attempt);
    if (!used.has(mac)) return mac;
  }
  throw new OpError('RESOURCES', `No free MAC address was found for ${name}; try another name.`);
}

function specFor(
  s: CreateSettings,
  spec: CreateSpec,
  name: string,
  template: string,
  diskPath: string,
  mac: string,
): DomainSpec {
  const description = spec.description ?? 'created with vpsops';
  // The jobs write "created by <user> with vpsops"; the user also goes into our metadata.
  const createdBy = /^created by (.+?) with vpsops$/.exec(description)?.[1] ?? 'vpsops';
  const out: DomainSpec = {
    name,
    vcpus: spec.vcpus,
    memoryBytes: spec.memoryBytes,
    diskPath,
    diskFormat: 'qcow2',
    mac,
    description,
    domainType: s.domainType,
    createdBy,
    createdAt: new Date().toISOString(),
    template,
  };
  if (s.network) out.network = s.network;
  return out;
}

async function readTemplate(path: string, templateName: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new OpError(
      'CONFIG',
      `The domain XML template of ${templateName} (${path}) cannot be read; check kvm.templates in the config.`,
      { cause: err },
    );
  }
}
