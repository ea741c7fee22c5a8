/** Builds the driver of one host from the configuration. */

import { hostDriverConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { OpError } from '../model/errors.js';
import type { Hypervisor } from '../model/hypervisor.js';
import { KvmDriver } from './kvm/index.js';
import { OpenVzDriver } from './openvz/index.js';

export function createDriver(config: Config, host: string, log: Logger): Hypervisor {
  const h = hostDriverConfig(config, host);
  if (h.kind === 'openvz') {
    const o = h.openvz;
    return new OpenVzDriver({
      vzctl: o.vzctl,
      vzlist: o.vzlist,
      procRoot: o.procRoot,
      diskRoot: o.diskRoot,
      commandTimeoutMs: o.commandTimeout,
      pollIntervalMs: o.pollInterval,
      logger: log.child({ driver: 'openvz' }),
    });
  }
  if (h.kind === 'kvm') {
    const k = h.kvm;
    return new KvmDriver({
      uri: k.uri,
      imageDir: k.imageDir,
      hostName: host,
      templates: k.templates,
      domainType: k.domainType,
      ...(k.network ? { network: k.network } : {}),
      commandTimeoutMs: k.commandTimeout,
      scanIntervalMs: k.scanInterval,
      logger: log.child({ driver: 'kvm' }),
    });
  }
  throw new OpError('CONFIG', `Host ${host} has an unknown kind.`);
}
