/**
 * The declarations most operations share, spread into their definitions: what the pipeline asks
 * of an operation (role, rate-limit bucket, scope, maintenance) without any verb named in the core.
 */

/** A read answered about the fleet, filtered to what the caller may see. */
export const FLEET_READ = {
  role: 'viewer',
  limit: 'reads',
  scope: 'fleet',
  duringMaintenance: 'anyone',
} as const;

/** A read about one guest. */
export const GUEST_READ = { ...FLEET_READ, scope: 'guest', changesGuests: false } as const;

/** An everyday change to one guest, by its operators; a host in maintenance takes it from admins only. */
export const GUEST_CHANGE = {
  role: 'operator',
  limit: 'commands',
  scope: 'guest',
  duringMaintenance: 'admins',
  changesGuests: true,
} as const;
