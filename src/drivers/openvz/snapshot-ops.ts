/**
 * Snapshot operations (vzctl 4.x, ploop only): create, list, switch (revert), delete.
 * Snapshots are handed out by bare UUID; revert/delete also accept a braced UUID or a unique name.
 */
import { OpError } from '../../model/errors.js';
import type { OpContext, Snapshot } from '../../model/hypervisor.js';
import type { VzRunner } from './runner.js';
import { bareUuid, parseCreatedSnapshotId, parseSnapshotList } from './snapshots.js';
import { checkSnapshotId, checkSnapshotName, isSnapshotId } from './validate.js';

export class SnapshotOps {
  constructor(private readonly vz: VzRunner) {}

  /** `vzctl snapshot CTID --name N`; returns the new snapshot as snapshot-list reports it. */
  async create(ctid: string, name: string, ctx: OpContext): Promise<Snapshot> {
    const checked = checkSnapshotName(name);
    ctx.progress?.(5, 'taking snapshot');
    const res = await this.vz.vzctl({
      action: 'snapshot',
      ctid,
      args: ['--name', checked],
      signal: ctx.signal,
    });
    const braced = parseCreatedSnapshotId(res.stdout);
    if (!braced) {
      throw new OpError('HYPERVISOR', `vzctl did not report the id of the new snapshot of CT ${ctid}.`, {
        detail: res.stdout.trim(),
      });
    }
    const id = bareUuid(braced);
    const found = (await this.list(ctid, ctx.signal)).find((s) => s.id === id);
    ctx.progress?.(100, 'snapshot taken');
    return found ?? { id, name: checked, createdAt: new Date().toISOString(), current: true };
  }

  /** `vzctl snapshot-list CTID -H`, oldest first. */
  async list(ctid: string, signal?: AbortSignal): Promise<Snapshot[]> {
    const res = await this.vz.vzctl({ action: 'snapshot-list', ctid, args: ['-H'], signal });
    return parseSnapshotList(res.stdout);
  }

  /** `vzctl snapshot-switch CTID --id UUID`: the CT ends running if the snapshot was taken running. */
  async revert(ctid: string, ref: string, ctx: OpContext): Promise<void> {
    const snapshotId = await this.resolve(ctid, ref, ctx.signal);
    ctx.progress?.(10, 'switching to snapshot');
    const args = ['--id', snapshotId];
    await this.vz.vzctl({ action: 'snapshot-switch', ctid, args, snapshotId, signal: ctx.signal });
    ctx.progress?.(100, 'snapshot restored');
  }

  /** `vzctl snapshot-delete CTID --id UUID`; children are re-parented by vzctl. */
  async remove(ctid: string, ref: string, ctx: OpContext): Promise<void> {
    const snapshotId = await this.resolve(ctid, ref, ctx.signal);
    ctx.progress?.(10, 'deleting snapshot');
    const args = ['--id', snapshotId];
    await this.vz.vzctl({ action: 'snapshot-delete', ctid, args, snapshotId, signal: ctx.signal });
    ctx.progress?.(100, 'snapshot deleted');
  }

  /** A UUID (braced or not) as is; otherwise a snapshot name, which must match exactly one snapshot. */
  private async resolve(ctid: string, ref: string, signal?: AbortSignal): Promise<string> {
    if (isSnapshotId(ref)) return checkSnapshotId(ref);
    const name = checkSnapshotName(ref);
    const matches = (await this.list(ctid, signal)).filter((s) => s.name === name);
    const [only] = matches;
    if (!only) throw new OpError('SNAPSHOT_NOT_FOUND', `CT ${ctid} has no snapshot named ${name}.`);
    if (matches.length > 1) {
      throw new OpError(
        'BAD_INPUT',
        `CT ${ctid} has ${matches.length} snapshots named ${name}; use the snapshot id.`,
      );
    }
    return `{${only.id}}`;
  }
}
