/**
 * Snapshots through virsh (the binding has none): internal qcow2 snapshots, taken live on a
 * running guest. libvirt names snapshots, so a snapshot's id is its name.
 */
import { OpError } from '../../model/errors.js';
import type { OpContext, Snapshot } from '../../model/hypervisor.js';
import { type KvmContext, testDriverUnsupported } from './context.js';
import {
  isNoCurrentSnapshot,
  parseSnapshotList,
  snapshotCurrentArgs,
  snapshotListArgs,
} from './snapshots.js';
import { checkDomainName, checkSnapshotName, checkSnapshotRef } from './validate.js';

// A revert restores RAM and disk; libvirt holds its job lock for the whole of it.
const REVERT_TIMEOUT_MS = 10 * 60_000;

function guard(k: KvmContext, id: string): string {
  const name = checkDomainName(id);
  if (k.testDriver) throw testDriverUnsupported('snapshots');
  return name;
}

export async function snapshotCreate(
  k: KvmContext,
  id: string,
  snap: string,
  ctx: OpContext,
): Promise<Snapshot> {
  const guest = guard(k, id);
  const name = checkSnapshotName(snap);
  const call = { action: 'snapshotCreate', guest, snapshot: name, signal: ctx.signal } as const;
  ctx.progress?.(10, `taking snapshot ${name}`);
  await k.virsh.ok(['snapshot-create-as', '--domain', guest, '--name', name, '--atomic'], {
    ...call,
    timeoutMs: REVERT_TIMEOUT_MS,
  });
  ctx.progress?.(90, 'reading back the snapshot');
  const made = (await snapshotList(k, guest, ctx)).find((s) => s.name === name);
  if (!made) throw new OpError('HYPERVISOR', `Snapshot ${name} of ${guest} was taken but is not listed.`);
  ctx.progress?.(100, `snapshot ${name} taken`);
  return made;
}

export async function snapshotList(k: KvmContext, id: string, ctx: OpContext): Promise<Snapshot[]> {
  const guest = guard(k, id);
  const call = { action: 'snapshotList', guest, signal: ctx.signal } as const;
  const list = await k.virsh.ok(snapshotListArgs(guest), call);
  const current = await k.virsh.raw(snapshotCurrentArgs(guest), call);
  if (current.exitCode !== 0 && !isNoCurrentSnapshot(current.stderr))
    await k.virsh.ok(snapshotCurrentArgs(guest), call);
  return parseSnapshotList(list.stdout, current.exitCode === 0 ? current.stdout : undefined);
}

export async function snapshotRevert(k: KvmContext, id: string, snap: string, ctx: OpContext): Promise<void> {
  const guest = guard(k, id);
  const name = checkSnapshotRef(snap);
  ctx.progress?.(10, `reverting to snapshot ${name}`);
  await k.virsh.ok(['snapshot-revert', '--domain', guest, '--snapshotname', name], {
    action: 'snapshotRevert',
    guest,
    snapshot: name,
    signal: ctx.signal,
    timeoutMs: REVERT_TIMEOUT_MS,
  });
  ctx.progress?.(100, `reverted to snapshot ${name}`);
}

export async function snapshotDelete(k: KvmContext, id: string, snap: string, ctx: OpContext): Promise<void> {
  const guest = guard(k, id);
  const name = checkSnapshotRef(snap);
  ctx.progress?.(10, `deleting snapshot ${name}`);
  await k.virsh.ok(['snapshot-delete', '--domain', guest, '--snapshotname', name], {
    action: 'snapshotDelete',
    guest,
    snapshot: name,
    signal: ctx.signal,
  });
  ctx.progress?.(100, `snapshot ${name} deleted`);
}
