/** Small checks the pipeline runs on each command: policy decisions and what the caller may see. */

import { OpError } from '../../model/errors.js';
import type { ResolvedTarget } from '../../ops/operation.js';
import type { Inventory } from '../../store/fleet.js';
import type { InventorySource } from '../../store/inventory-cache.js';
import type { Decision } from './policy.js';

/** Throws DENIED with the rule that denied; a guest out of scope reads like an unknown one. */
export function checkDecision(d: Decision, target?: ResolvedTarget): void {
  if (d.allow) return;
  if (d.hidden && target?.guestName) throw hiddenGuest(target.guestName);
  throw new OpError('DENIED', `Not allowed: ${d.reason}.`, {
    hint: `Rule: ${d.rule}. Ask an admin of vpsops to change the access policy if you need this.`,
  });
}

/** The same sentence as for a guest that does not exist, so scope reveals nothing. */
export function hiddenGuest(name: string): OpError {
  return new OpError('GUEST_NOT_FOUND', `No guest named "${name}".`, {
    hint: 'See /vps list for the guests you can use.',
  });
}

/** The inventory as the caller may see it: guests outside their scope are left out. */
export function visibleInventory(
  source: InventorySource,
  visible: (host: string, guest?: string) => boolean,
): InventorySource {
  return {
    async inventories(hosts: string[]) {
      const all = await source.inventories(hosts);
      const out = new Map<string, Inventory>();
      for (const [h, inv] of all)
        out.set(h, { ...inv, guests: inv.guests.filter((g) => visible(h, g.name)) });
      return out;
    },
  };
}
