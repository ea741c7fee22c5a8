/** Builds the driver of one host from the configuration. */

import { hostDriverConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { OpError } from '../core/errors.js';
import type { Logger } from '../log.js';
import { OpenVzDriver } from './openvz/index.js';
import type { Hypervisor } from './types.js';

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
  throw new OpError(
    'UNSUPPORTED',
    `Host ${host} is a KVM host, and this build of vpsops has no KVM driver yet.`,
  );
}
