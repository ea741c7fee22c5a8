/**
 * The snapshot tree of a ploop CT, kept in its private area like ploop's Snapshots.xml, plus the
 * per-snapshot files under `<private>/dump/`: the saved CT config and, if it ran, its dump.
 */
import { atomicWrite, readJson } from './fsutil.js';
import type { Host } from './paths.js';

export interface SnapshotEntry {
  guid: string;
  /** Parent snapshot guid, or '' for the first one. */
  parent: string;
  name: string;
  desc: string;
  /** Local time, `YYYY-MM-DD HH:MM:SS`. */
  date: string;
  current: boolean;
}

const treeFile = (host: Host, privatePath: string) => host.real(`${privatePath}/Snapshots.json`);

/** Host path of a snapshot's dump (present when it was taken while the CT ran). */
export const snapshotDump = (privatePath: string, guid: string): string => `${privatePath}/dump/${guid}`;

/** Host path of the CT config saved with a snapshot. */
export const snapshotConf = (privatePath: string, guid: string): string =>
  `${privatePath}/dump/${guid}.ve.conf`;

/** The snapshots in creation order; undefined when the CT never had any. */
export function readTree(host: Host, privatePath: string): SnapshotEntry[] | undefined {
  return readJson<SnapshotEntry[]>(treeFile(host, privatePath));
}

export function writeTree(host: Host, privatePath: string, tree: SnapshotEntry[]): void {
  atomicWrite(treeFile(host, privatePath), `${JSON.stringify(tree, null, 2)}\n`);
}

export function newGuid(): string {
  return `{${globalThis.crypto.randomUUID()}}`;
}

/** Local time as ploop writes snapshot dates. */
export function localDate(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Removes one snapshot: its children move to its parent, and its parent becomes current if it was. */
export function removeFromTree(tree: SnapshotEntry[], guid: string): SnapshotEntry[] {
  const gone = tree.find((s) => s.guid === guid);
  if (!gone) return tree;
  return tree
    .filter((s) => s.guid !== guid)
    .map((s) => ({
      ...s,
      parent: s.parent === guid ? gone.parent : s.parent,
      current: s.current || (gone.current && s.guid === gone.parent),
    }));
}
