/**
 * Where the simulated host keeps its files. Every path a real OpenVZ host would print
 * (`/vz/private/101`, `/etc/vz/conf/101.conf`) is a "host path"; it lives under the state root.
 */
import { join } from 'node:path';

/** Highest CTID vzctl accepts (VEID_MAX). */
export const VEID_MAX = 2147483644;

/** Host paths exactly as vzctl and vzlist print them. */
export const vpath = {
  confDir: '/etc/vz/conf',
  globalConf: '/etc/vz/vz.conf',
  conf: (id: number): string => `/etc/vz/conf/${id}.conf`,
  sample: (name: string): string => `/etc/vz/conf/ve-${name}.conf-sample`,
  private: (id: number): string => `/vz/private/${id}`,
  root: (id: number): string => `/vz/root/${id}`,
  lockDir: '/vz/lock',
  lock: (id: number): string => `/vz/lock/${id}.lck`,
  dump: (id: number): string => `/vz/dump/Dump.${id}`,
  templateCache: '/vz/template/cache',
};

/** One simulated host: maps host paths and simulator-internal files to real files under `root`. */
export class Host {
  constructor(readonly root: string) {}

  /** The real file behind a host path (`/vz/private/101` → `<root>/vz/private/101`). */
  real(hostPath: string): string {
    return join(this.root, hostPath);
  }

  /** Kernel state of one CT (running, limits, counters); the simulator's "kernel memory". */
  runFile(id: number): string {
    return join(this.root, 'run', `${id}.json`);
  }

  get runDir(): string {
    return join(this.root, 'run');
  }

  get procDir(): string {
    return join(this.root, 'proc');
  }

  /** Simulation settings: host size and per-action delays. */
  get simFile(): string {
    return join(this.root, 'sim.json');
  }

  /** Pending failure injections. */
  get injectFile(): string {
    return join(this.root, 'inject.json');
  }

  /** Short-lived mutex for read-modify-write of shared files (proc tree, injections). */
  mutexFile(name: string): string {
    return join(this.root, 'run', `.${name}.mutex`);
  }
}

/** The host of the current process, from `VZSIM_ROOT` (set by the wrappers in `<dir>/bin`). */
export function currentHost(): Host {
  const root = process.env.VZSIM_ROOT;
  if (!root) {
    process.stderr.write('VZSIM_ROOT is not set; run the simulator through <dir>/bin/vzctl\n');
    process.exit(1);
  }
  return new Host(root);
}
