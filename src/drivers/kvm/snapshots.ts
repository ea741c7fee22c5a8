/**
 * `virsh snapshot-list DOMAIN --parent` and `snapshot-current DOMAIN --name` → Snapshot[].
 * libvirt names snapshots, so a snapshot's id is its name. The table is laid out by display width,
 * so wide characters shift the columns; rows are therefore split on the timestamp, not on offsets.
 */
import { OpError } from '../../model/errors.js';
import type { Snapshot } from '../../model/hypervisor.js';

/** Arguments that list a domain's snapshots with their parents. */
export function snapshotListArgs(domain: string): string[] {
  return ['snapshot-list', '--domain', domain, '--parent'];
}

/** Arguments that print the name of the current snapshot (exit 1 when there is none). */
export function snapshotCurrentArgs(domain: string): string[] {
  return ['snapshot-current', '--domain', domain, '--name'];
}

// " <name>   2024-05-01 10:00:00 +0000   running   <parent>": virsh prints local time with its offset.
const ROW_RE =
  /^ (.+?)\s+(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) ([+-])(\d{2})(\d{2})\s+(\S+)(?:\s+(.*?))?\s*$/;

/** A snapshot row as printed, before it becomes a Snapshot. */
export interface SnapshotRow {
  name: string;
  /** ISO 8601 with the offset virsh printed (`2024-05-01T10:00:00+00:00`). */
  createdAt: string;
  /** The domain state the snapshot captured (`running`, `shutoff`, `disk-snapshot`). */
  state: string;
  parent?: string;
}

function malformed(line: string): OpError {
  return new OpError('HYPERVISOR', 'virsh snapshot-list printed a line in an unexpected format.', {
    detail: line,
  });
}

/** One data row of `snapshot-list --parent`. */
export function parseSnapshotRow(line: string): SnapshotRow {
  const m = ROW_RE.exec(line);
  if (!m) throw malformed(line);
  const [, name, date, time, sign, hh, mm, state, parent] = m;
  const row: SnapshotRow = {
    name: name!.trim(),
    createdAt: `${date}T${time}${sign}${hh}:${mm}`,
    state: state!,
  };
  if (parent !== undefined && parent !== '') row.parent = parent;
  return row;
}

/**
 * Parses `virsh snapshot-list --parent`, skipping the header, its dashes and blank lines.
 * `current` is the output of `snapshot-current --name` (or the name), marking that snapshot current.
 * Rows come sorted by name, as virsh prints them.
 */
export function parseSnapshotList(stdout: string, current?: string): Snapshot[] {
  const currentName = current?.trim();
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !/^ Name\s+Creation Time/.test(l) && !/^-+$/.test(l))
    .map((l) => {
      const row = parseSnapshotRow(l);
      const snap: Snapshot = {
        id: row.name,
        name: row.name,
        createdAt: row.createdAt,
        current: row.name === currentName,
      };
      if (row.parent !== undefined) snap.parent = row.parent;
      return snap;
    });
}

/** Parses `virsh snapshot-list --name`: one name per line. */
export function parseSnapshotNames(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '');
}

/** True when `snapshot-current --name` failed only because the domain has no current snapshot. */
export function isNoCurrentSnapshot(stderr: string): boolean {
  return /has no current snapshot/.test(stderr);
}
