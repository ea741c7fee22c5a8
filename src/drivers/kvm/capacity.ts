/**
 * Host capacity and versions: CPUs (threads) and RAM from `virNodeGetInfo` through the binding,
 * disk from statfs of the image directory, swap from /proc/meminfo when libvirtd is local.
 */
import { readFile, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OpError } from '../../model/errors.js';
import type { HostCapacity, HostInfo } from '../../model/hypervisor.js';
import type { KvmContext } from './context.js';

const KiB = 1024;

/** True for URIs without a host part (`qemu:///system`): libvirtd runs on this machine. */
export function isLocalUri(uri: string): boolean {
  return /^[a-z0-9+]+:\/\/\//i.test(uri);
}

export async function hostCapacity(k: KvmContext): Promise<HostCapacity> {
  const node = await k.lv.run('capacity', (c) => c.nodeGetInfo());
  const [diskBytes, swapBytes] = await Promise.all([imageDirSize(k), k.testDriver ? 0 : localSwap(k.uri)]);
  return { cpus: node.cpus, memoryBytes: node.memory * KiB, swapBytes, diskBytes };
}

/** libvirt and hypervisor versions from `virsh version` (the binding has no version call). */
export async function hostInfo(k: KvmContext): Promise<HostInfo> {
  if (k.testDriver) {
    // No virsh here: the demo's laptop may have the binding without libvirt-clients.
    await k.lv.run('info', (c) => c.connectGetHostname());
    return { versions: { libvirt: 'test driver' } };
  }
  const res = await k.virsh.ok(['version'], { action: 'info' });
  const versions: Record<string, string> = {};
  const lib = /^Using library: libvirt (\S+)/m.exec(res.stdout)?.[1];
  const hv = /^Running hypervisor: (.+)$/m.exec(res.stdout)?.[1]?.trim();
  if (lib) versions.libvirt = lib;
  if (hv) versions.hypervisor = hv;
  return { versions };
}

/**
 * Total size of the filesystem holding the image directory. On the test driver (no disks are
 * made) a missing directory is measured at its nearest existing parent; elsewhere it is a config error.
 */
async function imageDirSize(k: KvmContext): Promise<number> {
  let dir = k.imageDir;
  for (;;) {
    try {
      const s = await statfs(dir);
      return s.blocks * s.bsize;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const parent = dirname(dir);
      if (code !== 'ENOENT' || !k.testDriver || parent === dir) {
        throw new OpError(
          'CONFIG',
          `The KVM image directory ${k.imageDir} cannot be read (${code ?? 'error'}); check kvm.imageDir in the config.`,
          { cause: err },
        );
      }
      dir = parent;
    }
  }
}

async function localSwap(uri: string): Promise<number> {
  if (!isLocalUri(uri)) return 0;
  const text = await readFile('/proc/meminfo', 'utf8').catch(() => '');
  const kib = /^SwapTotal:\s+(\d+) kB/m.exec(text)?.[1];
  return kib === undefined ? 0 : Number(kib) * KiB;
}
