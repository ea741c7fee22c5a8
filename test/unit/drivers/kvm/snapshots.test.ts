import { describe, expect, it } from 'vitest';
import {
  isNoCurrentSnapshot,
  parseSnapshotList,
  parseSnapshotNames,
  parseSnapshotRow,
  snapshotCurrentArgs,
  snapshotListArgs,
} from '../../../../src/drivers/kvm/snapshots.js';
import { OpError } from '../../../../src/model/errors.js';
import { fixture } from './fixtures.js';

describe('parseSnapshotList', () => {
  it('reads names (spaces included), UTC times, parents and the current snapshot', () => {
    const snaps = parseSnapshotList(fixture('snapshot-list-parent.txt'), fixture('snapshot-current.txt'));
    expect(snaps).toEqual([
      { id: 'base', name: 'base', createdAt: '2026-11-24T21:53:20+00:00', current: false },
      {
        id: 'before upgrade',
        name: 'before upgrade',
        createdAt: '2026-11-24T21:53:20+00:00',
        current: false,
        parent: 'base',
      },
      {
        id: 'branch-2',
        name: 'branch-2',
        createdAt: '2026-11-24T21:53:20+00:00',
        current: true,
        parent: 'base',
      },
    ]);
  });

  it('reads snapshots of a real QEMU guest (qcow2 overlay)', () => {
    const snaps = parseSnapshotList(fixture('snapshot-list-parent-qemu.txt'), 'after-upgrade');
    expect(snaps.map((s) => [s.name, s.parent, s.current])).toEqual([
      ['after-upgrade', 'before-upgrade', true],
      ['before-upgrade', undefined, false],
    ]);
  });

  it('keeps the offset of a host not on UTC and survives wide characters that shift the columns', () => {
    const snaps = parseSnapshotList(fixture('snapshot-list-parent-tz-wide.txt'));
    expect(snaps).toEqual([
      {
        id: 'two',
        name: 'two',
        createdAt: '2026-11-24T16:53:20-05:00',
        current: false,
        parent: 'wide ünï 名前',
      },
      { id: 'wide ünï 名前', name: 'wide ünï 名前', createdAt: '2026-11-24T16:53:20-05:00', current: false },
    ]);
    expect(Date.parse(snaps[0]!.createdAt)).toBe(Date.parse('2026-11-24T21:53:20Z'));
  });

  it('reads a guest without snapshots as an empty list', () => {
    expect(parseSnapshotList(fixture('snapshot-list-empty.txt'))).toEqual([]);
  });

  it('refuses a row it does not understand instead of inventing a snapshot', () => {
    expect(() => parseSnapshotRow(' base   yesterday   running')).toThrow(OpError);
  });
});

describe('the other snapshot outputs', () => {
  it('reads --name listings', () => {
    expect(parseSnapshotNames(fixture('snapshot-list-name.txt'))).toEqual([
      'base',
      'before upgrade',
      'branch-2',
    ]);
  });

  it('recognises "no current snapshot" from snapshot-current', () => {
    expect(isNoCurrentSnapshot(fixture('stderr/no-current-snapshot.txt'))).toBe(true);
    expect(isNoCurrentSnapshot(fixture('stderr/snapshot-not-found.txt'))).toBe(false);
  });

  it('passes the domain with --domain so a name is never read as an option', () => {
    expect(snapshotListArgs('web-1')).toEqual(['snapshot-list', '--domain', 'web-1', '--parent']);
    expect(snapshotCurrentArgs('web-1')).toEqual(['snapshot-current', '--domain', 'web-1', '--name']);
  });
});
