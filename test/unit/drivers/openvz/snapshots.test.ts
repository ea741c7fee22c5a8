import { describe, expect, it } from 'vitest';
import {
  parseCreatedSnapshotId,
  parseSnapshotList,
  parseSnapshotRow,
} from '../../../../src/drivers/openvz/snapshots.js';
import { OpError } from '../../../../src/model/errors.js';

// Verbatim from the contract (§3 snapshots): the header pads every column, the last one too.
const HEADER =
  'PARENT_UUID                            C UUID                                   DATE                NAME                            ';
const ROW_BASE =
  '                                         {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc} 2024-05-01 10:00:00 base';
const ROW_LIVE =
  '{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc} * {d7ce0485-dff1-a85a-4bf1-98a94bb131c5} 2024-05-01 10:05:00 live';

describe('snapshot-list parsing', () => {
  it('reads the contract example, header with trailing spaces included', () => {
    expect(HEADER.endsWith(' ')).toBe(true);
    const snaps = parseSnapshotList(`${HEADER}\n${ROW_BASE}\n${ROW_LIVE}\n`);
    expect(snaps).toEqual([
      {
        id: 'd9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc',
        name: 'base',
        createdAt: '2024-05-01T10:00:00',
        current: false,
      },
      {
        id: 'd7ce0485-dff1-a85a-4bf1-98a94bb131c5',
        name: 'live',
        createdAt: '2024-05-01T10:05:00',
        current: true,
        parent: 'd9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc',
      },
    ]);
  });

  it('treats the empty 38-space parent of the first snapshot as no parent', () => {
    expect(ROW_BASE.slice(0, 38)).toBe(' '.repeat(38));
    expect(parseSnapshotRow(ROW_BASE).parent).toBeUndefined();
  });

  it('reads -H output (no header) the same way', () => {
    expect(parseSnapshotList(`${ROW_BASE}\n${ROW_LIVE}\n`).map((s) => s.name)).toEqual(['base', 'live']);
  });

  it('returns no snapshots for a header-only listing', () => {
    expect(parseSnapshotList(`${HEADER}\n`)).toEqual([]);
    expect(parseSnapshotList('')).toEqual([]);
  });

  it('keeps names with spaces and drops padding after the name', () => {
    const row = `${ROW_LIVE.slice(0, 100)}before upgrade   `;
    expect(parseSnapshotRow(row).name).toBe('before upgrade');
  });

  it('accepts a row whose name is empty', () => {
    expect(parseSnapshotRow(ROW_BASE.slice(0, 99)).name).toBe('');
  });

  it('refuses a line that does not follow the column layout', () => {
    expect(() => parseSnapshotList('garbage line\n')).toThrow(OpError);
    try {
      parseSnapshotList('{bad} * {bad} 2024 x\n');
    } catch (err) {
      expect((err as OpError).code).toBe('HYPERVISOR');
    }
  });
});

describe('snapshot create output', () => {
  it('finds the uuid in the success line', () => {
    const out = [
      'Creating snapshot {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}',
      'Setting up checkpoint...',
      '\tsuspend...',
      'Checkpointing completed successfully',
      'Resuming...',
      'Snapshot {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0} has been successfully created',
    ].join('\n');
    expect(parseCreatedSnapshotId(out)).toBe('{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}');
  });

  it('falls back to the "Creating snapshot" line and gives undefined when there is none', () => {
    expect(parseCreatedSnapshotId('Creating snapshot {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}\n')).toBe(
      '{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}',
    );
    expect(parseCreatedSnapshotId('nothing here')).toBeUndefined();
  });
});
