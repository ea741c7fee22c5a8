/**
 * resize: vCPUs and memory live (`virsh setvcpus/setmem --live --config`) when the guest runs and
 * the value fits under the ceiling it was started with, else saved for the next boot (raising the
 * ceiling with --maximum / setmaxmem); disks grow live (`virsh blockresize`) or offline (qemu-img).
 * On the test driver the persistent XML is rewritten through the binding (no live change, no disks).
 */
import { OpError } from '../../model/errors.js';
import type { OpContext, ResizeResult, ResizeSpec } from '../../model/hypervisor.js';
import { humanBytes } from '../human.js';
import { XML_INACTIVE } from './binding.js';
import { type KvmContext, testDriverUnsupported } from './context.js';
import { growOffline, virtualSize } from './disk.js';
import { type DomainXmlInfo, readDomainXml, withMemory, withVcpus } from './domain-xml.js';
import type { Inventory } from './inventory.js';
import { domainState } from './lifecycle.js';
import { DomainState } from './states.js';
import { checkDiskBytes, checkDomainName, checkMemoryBytes, checkVcpus } from './validate.js';
import type { VirshCall } from './virsh.js';

interface Step {
  live: boolean;
  note: string;
}

interface Target {
  name: string;
  active: boolean;
  /** The definition the guest runs with (live XML), and the saved one. */
  live: DomainXmlInfo;
  saved: DomainXmlInfo;
  call: VirshCall;
}

function checked(spec: ResizeSpec): ResizeSpec {
  if (spec.vcpus === undefined && spec.memoryBytes === undefined && spec.diskBytes === undefined) {
    throw new OpError('BAD_INPUT', 'A resize needs at least one of vCPUs, memory or disk.');
  }
  const out: ResizeSpec = {};
  if (spec.vcpus !== undefined) out.vcpus = checkVcpus(spec.vcpus);
  if (spec.memoryBytes !== undefined) out.memoryBytes = checkMemoryBytes(spec.memoryBytes);
  if (spec.diskBytes !== undefined) out.diskBytes = checkDiskBytes(spec.diskBytes);
  return out;
}

export async function resizeGuest(
  k: KvmContext,
  inv: Inventory,
  id: string,
  raw: ResizeSpec,
  ctx: OpContext,
): Promise<ResizeResult> {
  const name = checkDomainName(id);
  const spec = checked(raw);
  if (k.testDriver) return resizeThroughBinding(k, inv, name, spec);
  const state = await domainState(k, name, 'resize');
  const [liveXml, savedXml] = await k.lv.domain('resize', name, (c, d) =>
    Promise.all([c.domainGetXMLDesc(d), c.domainGetXMLDesc(d, XML_INACTIVE)]),
  );
  const t: Target = {
    name,
    active: state !== DomainState.SHUTOFF && state !== DomainState.CRASHED,
    live: readDomainXml(liveXml),
    saved: readDomainXml(savedXml),
    call: { action: 'resize', guest: name, signal: ctx.signal },
  };
  const steps: Step[] = [];
  ctx.progress?.(10, 'changing the size');
  if (spec.vcpus !== undefined) steps.push(await resizeVcpus(k, t, spec.vcpus));
  ctx.progress?.(40, 'changing the size');
  if (spec.memoryBytes !== undefined)
    steps.push(await resizeMemory(k, t, Math.ceil(spec.memoryBytes / 1024)));
  ctx.progress?.(70, 'changing the size');
  if (spec.diskBytes !== undefined) steps.push(await growDisk(k, t, spec.diskBytes));
  inv.forget(name);
  ctx.progress?.(100, 'size changed');
  return { applied: steps.every((s) => s.live) ? 'live' : 'next-boot', notes: steps.map((s) => s.note) };
}

async function resizeVcpus(k: KvmContext, t: Target, n: number): Promise<Step> {
  const max = t.live.maxVcpus ?? 0;
  if (t.active && n <= max) {
    try {
      await k.virsh.ok(['setvcpus', '--domain', t.name, '--count', String(n), '--live', '--config'], t.call);
      return { live: true, note: `${t.name} has ${n} vCPUs now and at its next boot.` };
    } catch (err) {
      // Hot-unplug needs the guest's help; the saved config still changes.
      if (!(err instanceof OpError) || err.code === 'GUEST_NOT_FOUND' || err.code === 'CANCELLED') throw err;
      k.log.info(
        { guest: t.name, err: err.detail ?? err.message },
        'live vCPU change refused; saving it for the next boot',
      );
      await setVcpusSaved(k, t, n);
      return {
        live: false,
        note: `The running ${t.name} refused the vCPU change live; it gets ${n} vCPUs at its next boot.`,
      };
    }
  }
  await setVcpusSaved(k, t, n);
  if (!t.active) return { live: false, note: `${t.name} is stopped; it gets ${n} vCPUs at its next start.` };
  return {
    live: false,
    note: `${n} vCPUs is above the ${max} ${t.name} was started with, so it gets them at its next boot.`,
  };
}

async function setVcpusSaved(k: KvmContext, t: Target, n: number): Promise<void> {
  if (n > (t.saved.maxVcpus ?? 0)) {
    await k.virsh.ok(['setvcpus', '--domain', t.name, '--count', String(n), '--maximum', '--config'], t.call);
  }
  await k.virsh.ok(['setvcpus', '--domain', t.name, '--count', String(n), '--config'], t.call);
}

async function resizeMemory(k: KvmContext, t: Target, kib: number): Promise<Step> {
  const max = t.live.maxMemoryKiB ?? 0;
  const size = humanBytes(kib * 1024);
  if (t.active && kib <= max) {
    await k.virsh.ok(['setmem', '--domain', t.name, '--size', String(kib), '--live', '--config'], t.call);
    return { live: true, note: `${t.name} has ${size} of memory now and at its next boot.` };
  }
  if (kib > (t.saved.maxMemoryKiB ?? 0)) {
    await k.virsh.ok(['setmaxmem', '--domain', t.name, '--size', String(kib), '--config'], t.call);
  }
  await k.virsh.ok(['setmem', '--domain', t.name, '--size', String(kib), '--config'], t.call);
  if (!t.active)
    return { live: false, note: `${t.name} is stopped; it gets ${size} of memory at its next start.` };
  return {
    live: false,
    note: `${size} is above the ${humanBytes(max * 1024)} ${t.name} was started with, so it gets it at its next boot.`,
  };
}

async function growDisk(k: KvmContext, t: Target, bytes: number): Promise<Step> {
  const disk = t.live.disks.find((d) => d.device === 'disk' && d.path !== undefined);
  if (!disk?.path)
    throw new OpError('UNSUPPORTED', `${t.name} has no file-backed disk that vpsops can grow.`);
  const current = await virtualSize(k, disk.path, t.call.signal);
  if (bytes < current) {
    throw new OpError(
      'BAD_INPUT',
      `Disks can only grow: ${humanBytes(bytes)} is less than the ${humanBytes(current)} ${t.name} has.`,
    );
  }
  const inside = 'partitions and filesystems inside the guest still need growing';
  if (bytes === current)
    return { live: t.active, note: `The disk of ${t.name} is already ${humanBytes(bytes)}.` };
  if (t.active) {
    await k.virsh.ok(
      ['blockresize', '--domain', t.name, '--path', disk.target, '--size', `${bytes}B`],
      t.call,
    );
    return { live: true, note: `The disk of ${t.name} grew to ${humanBytes(bytes)} live; ${inside}.` };
  }
  await growOffline(k, disk.path, bytes, t.name, t.call.signal);
  return { live: false, note: `The disk of ${t.name} grew to ${humanBytes(bytes)}; ${inside}.` };
}

async function resizeThroughBinding(k: KvmContext, inv: Inventory, name: string, spec: ResizeSpec) {
  if (spec.diskBytes !== undefined) throw testDriverUnsupported('disk resizing');
  const state = await domainState(k, name, 'resize');
  let xml = await k.lv.domain('resize', name, (c, d) => c.domainGetXMLDesc(d, XML_INACTIVE));
  if (spec.vcpus !== undefined) xml = withVcpus(xml, spec.vcpus);
  if (spec.memoryBytes !== undefined) xml = withMemory(xml, Math.ceil(spec.memoryBytes / 1024));
  await k.lv.run('resize', (c) => c.domainDefineXML(xml));
  inv.forget(name);
  const stopped = state === DomainState.SHUTOFF || state === DomainState.CRASHED;
  const note = stopped
    ? `${name} is stopped; the new size applies at its next start.`
    : `The new size of ${name} is saved and applies at its next start (libvirt's test driver cannot resize live).`;
  return { applied: 'next-boot' as const, notes: [note] };
}
