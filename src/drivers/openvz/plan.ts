/**
 * CreateSpec / ResizeSpec → checked vzctl arguments. Every value is validated here, before any
 * command runs, so a bad spec fails with BAD_INPUT and leaves the host untouched.
 */
import { OpError } from '../../model/errors.js';
import type { CreateSpec, Guest, ResizeSpec } from '../../model/hypervisor.js';
import { humanBytes } from '../human.js';
import { diskspaceArg, memoryArg } from './units.js';
import {
  checkBytes,
  checkDescription,
  checkHostname,
  checkIp,
  checkName,
  checkTemplate,
  checkVcpus,
  MAX_CTID,
  MIN_AUTO_CTID,
} from './validate.js';

/** Arguments for `vzctl create` and the `vzctl set` that follows it. */
export interface CreatePlan {
  name: string;
  template: string;
  createArgs: string[];
  setArgs: string[];
}

/**
 * Swap that goes with a RAM size. VSwap swap lets a container briefly exceed its RAM by being slowed
 * down instead of OOM-killed; `ratio` 1 (the default) gives swap = RAM, half of vzctl's own samples
 * (2×), which keeps Σ(RAM+swap) oversell predictable for the overcommit alerts.
 */
export function swapFor(memoryBytes: number, ratio: number): number {
  return Math.round(memoryBytes * ratio);
}

function memoryArgs(memoryBytes: number, swapRatio: number): string[] {
  return ['--ram', memoryArg(memoryBytes), '--swap', memoryArg(swapFor(memoryBytes, swapRatio))];
}

/**
 * Checks a CreateSpec and builds its command lines. The disk size goes on `create` so the ploop
 * image is made at its final size instead of the 2 GB default and then resized.
 */
export function planCreate(spec: CreateSpec, swapRatio: number): CreatePlan {
  const name = checkName(spec.name);
  const template = checkTemplate(spec.template);
  const vcpus = checkVcpus(spec.vcpus);
  const memory = checkBytes('memory', spec.memoryBytes);
  const disk = checkBytes('disk', spec.diskBytes);
  const createArgs = ['--ostemplate', template, '--name', name];
  if (spec.hostname !== undefined) createArgs.push('--hostname', checkHostname(spec.hostname));
  for (const ip of spec.ips ?? []) createArgs.push('--ipadd', checkIp(ip));
  if (spec.description !== undefined) createArgs.push('--description', checkDescription(spec.description));
  createArgs.push('--diskspace', diskspaceArg(disk));
  const setArgs = [
    ...memoryArgs(memory, swapRatio),
    '--cpus',
    String(vcpus),
    '--diskspace',
    diskspaceArg(disk),
  ];
  return { name, template, createArgs, setArgs: [...setArgs, '--save'] };
}

/** Arguments for `vzctl set CTID ... --save` and notes on what the change means. */
export function planResize(
  spec: ResizeSpec,
  current: Guest,
  swapRatio: number,
): { args: string[]; notes: string[] } {
  const args: string[] = [];
  const notes: string[] = [];
  if (spec.vcpus === undefined && spec.memoryBytes === undefined && spec.diskBytes === undefined) {
    throw new OpError('BAD_INPUT', 'Nothing to resize: give vcpus, memory or disk.');
  }
  if (spec.vcpus !== undefined) args.push('--cpus', String(checkVcpus(spec.vcpus)));
  if (spec.memoryBytes !== undefined) {
    const memory = checkBytes('memory', spec.memoryBytes);
    args.push(...memoryArgs(memory, swapRatio));
    notes.push(`Swap follows RAM: ${humanBytes(swapFor(memory, swapRatio))}.`);
  }
  if (spec.diskBytes !== undefined) {
    const disk = checkBytes('disk', spec.diskBytes);
    args.push('--diskspace', diskspaceArg(disk));
    if (disk < current.diskBytes) notes.push('Shrinking a ploop disk only works if the data inside fits.');
  }
  return { args: [...args, '--save'], notes };
}

/** The next free CTID: one past the highest in use, at least 101. */
export function nextCtid(guests: readonly Guest[], after = 0): string {
  const ids = guests.map((g) => Number(g.id)).filter((n) => Number.isInteger(n));
  const next = Math.max(MIN_AUTO_CTID - 1, after, ...ids) + 1;
  if (next > MAX_CTID) throw new OpError('RESOURCES', 'No container id is left on this host.');
  return String(next);
}
