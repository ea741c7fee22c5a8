/**
 * vzctl snapshot output parsing (contract §3, snapshots).
 * `snapshot-list` columns: parent_uuid %-38s, current %1s, uuid %-38s, date %-19s, name (rest); one space apart.
 */
import { OpError } from '../../model/errors.js';
import type { Snapshot } from '../../model/hypervisor.js';

const UUID_LEN = 38;
const PARENT = [0, UUID_LEN] as const;
const CURRENT = UUID_LEN + 1;
const UUID = [CURRENT + 2, CURRENT + 2 + UUID_LEN] as const;
const DATE = [UUID[1] + 1, UUID[1] + 1 + 19] as const;
const NAME_AT = DATE[1] + 1;

const BRACED_UUID = /^\{[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}$/;
const DATE_RE = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/;

/** `{uuid}` → `uuid` (lower case): the form the driver hands out as Snapshot.id. */
export function bareUuid(braced: string): string {
  return braced.replace(/[{}]/g, '').toLowerCase();
}

function malformed(line: string): OpError {
  return new OpError('HYPERVISOR', 'vzctl snapshot-list printed a line in an unexpected format.', {
    detail: line,
  });
}

/** One data row → Snapshot. The date is local time without a zone, kept as ISO 8601 local (`T` separator). */
export function parseSnapshotRow(line: string): Snapshot {
  const parent = line.slice(...PARENT).trim();
  const uuid = line.slice(...UUID).trim();
  const date = DATE_RE.exec(line.slice(...DATE));
  if (!BRACED_UUID.test(uuid) || (parent !== '' && !BRACED_UUID.test(parent)) || !date) throw malformed(line);
  const snap: Snapshot = {
    id: bareUuid(uuid),
    name: line.slice(NAME_AT).trimEnd(),
    createdAt: `${date[1]}T${date[2]}`,
    current: line[CURRENT] === '*',
  };
  if (parent !== '') snap.parent = bareUuid(parent);
  return snap;
}

/**
 * Parses `vzctl snapshot-list CTID [-H]` output, in creation order.
 * The header (with its trailing spaces) and blank lines are skipped; header only means no snapshots.
 */
export function parseSnapshotList(stdout: string): Snapshot[] {
  return stdout
    .split('\n')
    .map((l) => l.replace(/\r$/, ''))
    .filter((l) => l.trim() !== '' && !l.startsWith('PARENT_UUID'))
    .map(parseSnapshotRow);
}

/** The UUID (`{...}`) from `vzctl snapshot` output (`Snapshot {uuid} has been successfully created`). */
export function parseCreatedSnapshotId(stdout: string): string | undefined {
  const m =
    /Snapshot (\{[0-9a-fA-F-]{36}\}) has been successfully created/.exec(stdout) ??
    /Creating snapshot (\{[0-9a-fA-F-]{36}\})/.exec(stdout);
  return m?.[1];
}
