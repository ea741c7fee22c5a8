/** Sizes of create and resize requests: what they ask a host for, and whether a resize shrinks. */
import type { Guest } from '../src/model/hypervisor.js';
import type { GuestSize } from '../src/model/overcommit.js';
import type { ArgValues } from '../src/ops/operation.js';

type SizeArgs = { vcpus?: number; memory?: number; disk?: number };

/** What a create asks for, from its prepared arguments (the plan resolved to sizes). */
export function requested(args: ArgValues): GuestSize {
  const a = args as SizeArgs;
  return { vcpus: a.vcpus ?? 0, memoryBytes: a.memory ?? 0, diskBytes: a.disk ?? 0 };
}

/** What a guest has now. */
export function current(g: Guest): GuestSize {
  return { vcpus: g.vcpus, memoryBytes: g.memoryBytes, diskBytes: g.diskBytes };
}

/** What a guest has after a resize: the sizes given, the rest as they are. */
export function resized(g: Guest, args: ArgValues): GuestSize {
  const a = args as SizeArgs;
  return {
    vcpus: a.vcpus ?? g.vcpus,
    memoryBytes: a.memory ?? g.memoryBytes,
    diskBytes: a.disk ?? g.diskBytes,
  };
}

/** Whether a resize takes anything away from the guest (it then waits for an approver). */
export function shrinks(g: Guest, args: ArgValues): boolean {
  const a = args as SizeArgs;
  return (
    (a.vcpus !== undefined && a.vcpus < g.vcpus) ||
    (a.memory !== undefined && a.memory < g.memoryBytes) ||
    (a.disk !== undefined && a.disk < g.diskBytes)
  );
}
