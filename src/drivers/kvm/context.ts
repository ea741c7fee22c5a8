/** What every part of the KVM driver shares: the connection, virsh, the paths and the knobs. */
import { OpError } from '../../model/errors.js';
import type { LibvirtConnection } from './connection.js';
import type { DriverLogger, Virsh } from './virsh.js';

export interface KvmContext {
  uri: string;
  /**
   * libvirt's test driver (`test:///default`, `test:///file.xml`) keeps its guests inside the
   * process that opened it, so no virsh child can see them: everything goes through the binding.
   */
  testDriver: boolean;
  imageDir: string;
  lv: LibvirtConnection;
  virsh: Virsh;
  /** qemu-img executable. */
  qemuImg: string;
  commandTimeoutMs: number;
  /** How often a graceful shutdown checks whether the guest is off. */
  pollIntervalMs: number;
  log: DriverLogger;
}

/** True for libvirt test-driver URIs, whose state no other process shares. */
export function isTestDriverUri(uri: string): boolean {
  return /^test:\/\//.test(uri);
}

/** The one sentence for an operation the test driver cannot do (it has no virsh-visible state). */
export function testDriverUnsupported(what: string): OpError {
  return new OpError('UNSUPPORTED', `libvirt's test driver does not support ${what}.`);
}

export { delay } from '../delay.js';
