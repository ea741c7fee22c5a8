/**
 * The optional `@unraid/libvirt` binding (N-API), loaded lazily so that vpsops installs and runs
 * without libvirt-dev on hosts that have no KVM guests. Its types are declared in the project
 * (src/types/unraid-libvirt.d.ts), so the build does not need the package either.
 */
import type { Domain, DomainInfo, Hypervisor, NodeInfo } from '@unraid/libvirt';
import { OpError } from '../../model/errors.js';

/** The npm package that provides the binding. */
export const BINDING_PACKAGE = '@unraid/libvirt';

/** The one sentence a user sees when the binding is missing. */
export const INSTALL_SENTENCE =
  'The KVM driver needs the @unraid/libvirt package: apt-get install libvirt-dev, then npm install @unraid/libvirt.';

/** A domain handle; valid only on the connection that returned it. */
export type LvDomain = Domain;
export type LvDomainInfo = DomainInfo;
export type LvNodeInfo = NodeInfo;
/** One connection of the binding (`Hypervisor` in its own terms). */
export type LvConnection = Hypervisor;

/** What the module exports that we use. */
export interface LibvirtModule {
  Hypervisor: typeof Hypervisor;
}

/** `VIR_DOMAIN_XML_INACTIVE`: the persistent definition rather than the live one. */
export const XML_INACTIVE = 2;

const cache = new Map<string, Promise<LibvirtModule>>();

function missing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
}

async function importBinding(specifier: string): Promise<LibvirtModule> {
  let mod: Partial<LibvirtModule>;
  try {
    // A variable specifier: the package is optional, so neither tsc nor a bundler may require it.
    mod = (await import(specifier)) as Partial<LibvirtModule>;
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    // Installed but unloadable (built against another libvirt or Node ABI) gets the same advice.
    throw new OpError('CONFIG', INSTALL_SENTENCE, {
      cause: err,
      detail: missing(err) ? `${specifier} is not installed` : detail,
    });
  }
  if (typeof mod.Hypervisor !== 'function') {
    throw new OpError('CONFIG', INSTALL_SENTENCE, { detail: `${specifier} has no Hypervisor export` });
  }
  return mod as LibvirtModule;
}

/**
 * Loads the binding once per process. Throws OpError CONFIG with {@link INSTALL_SENTENCE} when the
 * package is missing or cannot load. `specifier` exists for tests (a module that is not there).
 */
export function loadBinding(specifier = BINDING_PACKAGE): Promise<LibvirtModule> {
  let p = cache.get(specifier);
  if (!p) {
    p = importBinding(specifier);
    // A failed load is not cached: `npm install` while the worker runs makes the next call work.
    p.catch(() => cache.delete(specifier));
    cache.set(specifier, p);
  }
  return p;
}
