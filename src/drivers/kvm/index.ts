/** The KVM driver (libvirt) and what other modules use of it. */
export { BINDING_PACKAGE, INSTALL_SENTENCE } from './binding.js';
export { isTestDriverUri } from './context.js';
export type { KvmTemplate } from './create.js';
export { KvmDriver, type KvmDriverOptions } from './driver.js';
export type { DriverLogger } from './virsh.js';
export type { NetworkSpec } from './xml.js';
