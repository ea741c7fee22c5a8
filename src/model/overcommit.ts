/**
 * Overcommit: how far a host's guests were promised past what it has, per resource, against a
 * policy per host group with warn and critical ratios. Pure arithmetic over what Redis holds, so
 * `/vps capacity`, overcommit alerts and the create/resize admission check all agree.
 */
import type { Config } from '../config/schema.js';
import { allocation, type Resource, ratio, UNLIMITED_VCPUS, type Usage } from './allocation.js';
import type { Guest } from './hypervisor.js';
import type { HostRegistration, Inventory } from './inventory.js';

export type { Resource } from './allocation.js';

/** How a resource of a host stands against its policy. */
export type Level = 'ok' | 'warning' | 'critical';

/** Ratios (used / total) at which a resource enters each level. */
export interface Thresholds {
  warn: number;
  critical: number;
}

/** The thresholds of one host group, every resource filled in. */
export type Policy = Record<Resource, Thresholds>;

/** `alerts.overcommit` of the configuration. */
export type OvercommitConfig = Config['alerts']['overcommit'];

/** The resources in the order they are checked and shown. */
export const RESOURCES: readonly Resource[] = ['cpu', 'memory', 'disk'];

/** What people call each resource, in messages and views. */
export const RESOURCE_LABEL: Record<Resource, string> = { cpu: 'CPU', memory: 'RAM', disk: 'disk' };

const RANK: Record<Level, number> = { ok: 0, warning: 1, critical: 2 };

/** One host, as the functions below take it. */
export interface HostInput {
  host: string;
  /** The host's group (config `hosts.<h>.group`), which picks the policy. */
  group: string;
  registration: Pick<HostRegistration, 'capacity'>;
  /** Missing: no scan yet, counted as no guests. */
  inventory: Pick<Inventory, 'guests'> | undefined;
  config: Pick<Config, 'alerts'>;
}

/** One resource of one host against its policy. */
export interface ResourceLevel {
  resource: Resource;
  /** used / total; Infinity when the host reports no capacity but guests use some. */
  ratio: number;
  used: number;
  total: number;
  level: Level;
  /** The ratio that put it at `level`; for `ok`, the warn ratio it would enter at. */
  threshold: number;
  /** Both ratios of the group's policy for this resource. */
  policy: Thresholds;
}

/** A guest's size, as create and resize ask for it. `vcpus` 0 means every host thread. */
export interface GuestSize {
  vcpus: number;
  memoryBytes: number;
  /** OpenVZ swap on top of memory; counted with RAM like a container's swappages. */
  swapBytes?: number;
  diskBytes: number;
}

/** What admission answers: fine, or the first resource the change takes to its critical ratio. */
export type Admission =
  | { ok: true }
  | { ok: false; resource: Resource; ratio: number; limit: number; message: string };

/** The group's policy: the defaults with the group's overrides, ratio by ratio. */
export function policyFor(over: OvercommitConfig, group: string): Policy {
  const g = over.groups[group] ?? {};
  return {
    cpu: { ...over.default.cpu, ...g.cpu },
    memory: { ...over.default.memory, ...g.memory },
    disk: { ...over.default.disk, ...g.disk },
  };
}

// Inventories are JSON from another process: anything odd counts as nothing, as in allocation().
const amount = (n: number | undefined): number =>
  typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;

/** OpenVZ swap of the counted guests; allocation() leaves it out, RAM overcommit needs it. */
function swapOf(guests: readonly Guest[], countStopped: boolean): number {
  let n = 0;
  for (const g of guests) if (countStopped || g.state !== 'stopped') n += amount(g.swapBytes);
  return n;
}

/**
 * What the guests of a host were promised per resource. RAM is memory plus swap where guests have
 * swap (OpenVZ), against physical RAM: a container's swap lives in the host's RAM and swap.
 */
export function usageOf(
  registration: Pick<HostRegistration, 'capacity'>,
  inventory: Pick<Inventory, 'guests'> | undefined,
  countStopped: boolean,
): Record<Resource, Usage> {
  const a = allocation(registration, inventory, { countStopped });
  const swap = swapOf(inventory?.guests ?? [], countStopped);
  return { cpu: a.cpu, memory: { used: a.memory.used + swap, total: a.memory.total }, disk: a.disk };
}

/**
 * The level of one ratio. A level is entered at its threshold and, once held (`previous` at it or
 * above), left only below threshold − hysteresis, so a host on the line does not flap.
 */
export function levelOf(r: number, t: Thresholds, hysteresis: number, previous: Level = 'ok'): Level {
  for (const [level, at] of [
    ['critical', t.critical],
    ['warning', t.warn],
  ] as const) {
    const held = RANK[previous] >= RANK[level];
    if (r >= (held ? at - hysteresis : at)) return level;
  }
  return 'ok';
}

/** Every resource of a host with its ratio and level; `previous` (the last levels) gives hysteresis. */
export function overcommitLevels(
  input: HostInput & { previous?: Partial<Record<Resource, Level>> },
): ResourceLevel[] {
  const over = input.config.alerts.overcommit;
  const policy = policyFor(over, input.group);
  const usage = usageOf(input.registration, input.inventory, over.countStopped);
  return RESOURCES.map((resource) => {
    const u = usage[resource];
    const t = policy[resource];
    const r = ratio(u);
    const level = levelOf(r, t, over.hysteresis, input.previous?.[resource]);
    const threshold = level === 'critical' ? t.critical : t.warn;
    return { resource, ratio: r, used: u.used, total: u.total, level, threshold, policy: t };
  });
}

/** `1.32x`; a host with no capacity at all is at `∞x`. */
export function formatRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '∞x';
}

function delta(add: GuestSize, remove: GuestSize | undefined, cpus: number): Record<Resource, number> {
  // A guest without a CPU limit counts as allocation() counts it.
  const cpu = (s: GuestSize) => amount(s.vcpus) || Math.min(UNLIMITED_VCPUS, cpus);
  const mem = (s: GuestSize) => amount(s.memoryBytes) + amount(s.swapBytes);
  return {
    cpu: cpu(add) - (remove ? cpu(remove) : 0),
    memory: mem(add) - (remove ? mem(remove) : 0),
    disk: amount(add.diskBytes) - (remove ? amount(remove.diskBytes) : 0),
  };
}

/**
 * Whether a host may take a new guest (`add`) or a resize (`add` the new size, `remove` the old).
 * Refused when the change takes a resource to its critical ratio or past it, since that is where
 * alerts fire. A resource the change does not grow is never the reason, even on a host that is
 * over already: shrinking and resizing something else stay possible.
 */
export function admission(input: HostInput & { add: GuestSize; remove?: GuestSize }): Admission {
  const over = input.config.alerts.overcommit;
  const policy = policyFor(over, input.group);
  const usage = usageOf(input.registration, input.inventory, over.countStopped);
  const grow = delta(input.add, input.remove, amount(input.registration.capacity.cpus));
  for (const resource of RESOURCES) {
    if (grow[resource] <= 0) continue;
    const r = ratio({ used: usage[resource].used + grow[resource], total: usage[resource].total });
    const limit = policy[resource].critical;
    if (r >= limit) {
      const message = `takes ${input.host} ${RESOURCE_LABEL[resource]} to ${formatRatio(r)}, policy ${formatRatio(limit)}`;
      return { ok: false, resource, ratio: r, limit, message };
    }
  }
  return { ok: true };
}

/** The worst level among the resources (ok for none). */
export function worstLevel(levels: readonly Pick<ResourceLevel, 'level'>[]): Level {
  return levels.reduce<Level>((w, l) => (RANK[l.level] > RANK[w] ? l.level : w), 'ok');
}
