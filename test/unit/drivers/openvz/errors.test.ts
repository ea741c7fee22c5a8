import { describe, expect, it } from 'vitest';
import {
  firstErrorLine,
  MAPPED_EXIT_CODES,
  type VzFailure,
  vzctlError,
} from '../../../../src/drivers/openvz/errors.js';
import type { ErrorCode } from '../../../../src/model/errors.js';

function failure(
  action: string,
  exitCode: number,
  stderr: string,
  extra: Partial<VzFailure> = {},
): VzFailure {
  return { action, ctid: '101', exitCode, stdout: '', stderr, ...extra };
}

const KERNEL_FAIL = 'Container start failed (try to check kernel messages, e.g. "dmesg | tail")';

// exit code, action, stderr (from the contract), expected code, expected sentence (part)
const CASES: Array<[number, string, string, ErrorCode, RegExp, Partial<VzFailure>?]> = [
  [
    6,
    'start',
    `Not enough resources to start environment\n${KERNEL_FAIL}\n`,
    'RESOURCES',
    /^CT 101 could not start because the host lacks resources \(Not enough resources to start environment\)\.$/,
  ],
  [
    7,
    'start',
    `env_create error: Cannot allocate memory\n${KERNEL_FAIL}\n`,
    'HYPERVISOR',
    /^CT 101 could not start: the kernel refused to create it \(env_create error: Cannot allocate memory\)\.$/,
  ],
  [
    9,
    'start',
    'Locked by: pid 4242, cmdline vzctl start 101\nContainer already locked\n',
    'LOCKED',
    /^CT 101 is busy with another operation; try again in a moment\.$/,
  ],
  [
    14,
    'start',
    'Container config file does not exist\n',
    'GUEST_NOT_FOUND',
    /^CT 101 does not exist on this host\.$/,
  ],
  [
    21,
    'set',
    'Bad parameter for --ipadd: 10.0.0.999\n',
    'BAD_INPUT',
    /^vzctl refused a value for CT 101 \(Bad parameter for --ipadd: 10\.0\.0\.999\)\.$/,
  ],
  [
    31,
    'suspend',
    'Unable to setup checkpointing: container is not running\n',
    'NOT_RUNNING',
    /^CT 101 is not running, so it cannot be suspended\.$/,
  ],
  [32, 'start', 'Container is already running\n', 'ALREADY_RUNNING', /^CT 101 is already running\.$/],
  [
    33,
    'stop',
    'Unable to stop container: operation timed out\n',
    'TIMEOUT',
    /^CT 101 did not stop.*force=yes/,
  ],
  [41, 'destroy', '', 'HYPERVISOR', /^CT 101 is still mounted; unmount it/],
  [
    44,
    'create',
    'Private area already exists in /vz/private/101\nCreation of container private area failed\n',
    'ALREADY_EXISTS',
    /^CT 101 already exists\.$/,
  ],
  [
    46,
    'create',
    'No space left on device\n',
    'NO_SPACE',
    /^The host ran out of disk space while working on CT 101\.$/,
  ],
  [
    47,
    'start',
    `Unable to start init, probably incorrect template\n${KERNEL_FAIL}\n`,
    'HYPERVISOR',
    /^CT 101 could not start its init process.*\(Unable to start init, probably incorrect template\)\.$/,
  ],
  [
    78,
    'start',
    `Unable to add IP 10.0.0.5: Address already in use\n${KERNEL_FAIL}\n`,
    'RESOURCES',
    /^IP 10\.0\.0\.5 is already in use by another container, so CT 101 could not take it\.$/,
  ],
  [
    82,
    'create',
    'Error: container config file /etc/vz/conf/101.conf already exists, can not use --config option\n',
    'ALREADY_EXISTS',
    /^CT 101 already exists\.$/,
  ],
  [
    91,
    'create',
    'Cached OS template /vz/template/cache/centos-9-x86_64.tar not found\nCreation of container private area failed\n',
    'TEMPLATE_NOT_FOUND',
    /^OS template centos-9-x86_64 is not installed on this host, so CT 101 was not created\.$/,
    { template: 'centos-9-x86_64' },
  ],
  [
    105,
    'start',
    'Container start disabled\n',
    'HYPERVISOR',
    /^CT 101 is disabled on this host \(DISABLED=yes\)/,
  ],
  [
    131,
    'create',
    'Conflict: name web1 already used by container 102\n',
    'ALREADY_EXISTS',
    /^The name web1 is already used by CT 102\.$/,
    { name: 'web1' },
  ],
  [
    154,
    'set',
    "Failed to resize image: Can't shrink below used space [38]\nError: failed to apply some parameters, not saving configuration file!\n",
    'HYPERVISOR',
    /^The disk of CT 101 could not be resized/,
  ],
  [156, 'snapshot', 'Snapshot feature is only available for ploop-based CTs\n', 'UNSUPPORTED', /ploop-based/],
  [
    158,
    'snapshot-delete',
    'Unable to find snapshot by uuid {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}\nFailed to delete snapshot {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}\n',
    'SNAPSHOT_NOT_FOUND',
    /^CT 101 has no snapshot \{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc\}\.$/,
  ],
  [
    159,
    'snapshot-switch',
    'Unable to find snapshot by uuid {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}\nFailed to switch to snapshot {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}\n',
    'SNAPSHOT_NOT_FOUND',
    /^CT 101 has no snapshot \{d9a2aa1f/,
    { snapshotId: '{d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc}' },
  ],
];

describe('vzctl exit code mapping', () => {
  it.each(CASES)('exit %i on %s → %s', (exit, action, stderr, code, sentence, extra) => {
    const err = vzctlError(failure(action, exit, stderr, extra));
    expect(err?.code).toBe(code);
    expect(err?.userMessage).toMatch(sentence);
    expect(err?.detail).toBe(stderr.trim());
  });

  it('covers every mapped exit code in the table above', () => {
    const tested = new Set(CASES.map((c) => c[0]));
    expect(MAPPED_EXIT_CODES.filter((c) => !tested.has(c))).toEqual([]);
  });

  it('marks LOCKED retryable and the rest not', () => {
    expect(vzctlError(failure('set', 9, 'Container already locked'))?.retryable).toBe(true);
    expect(vzctlError(failure('start', 32, 'Container is already running'))?.retryable).toBe(false);
  });

  it('tells the operator to stop a running CT before destroying it (message on stdout)', () => {
    const err = vzctlError({
      ...failure('destroy', 32, ''),
      stdout: 'Container is currently running. Stop it first.\n',
    });
    expect(err?.code).toBe('ALREADY_RUNNING');
    expect(err?.userMessage).toBe('CT 101 is running; stop it before destroying it.');
    expect(err?.detail).toBe('Container is currently running. Stop it first.');
  });

  it('maps resume of a running CT to ALREADY_RUNNING', () => {
    const err = vzctlError(failure('resume', 32, 'Unable to perform restore: container already running'));
    expect(err?.userMessage).toBe('CT 101 is already running, so there is nothing to resume.');
  });

  it('treats a stop of a stopped CT (exit 0) as NOT_RUNNING', () => {
    const err = vzctlError(failure('stop', 0, 'Unable to stop: container is not running\n'));
    expect(err?.code).toBe('NOT_RUNNING');
    expect(err?.userMessage).toBe('CT 101 is not running.');
  });

  it('does not treat WARNING lines on stderr as failures', () => {
    expect(
      vzctlError(failure('set', 0, 'WARNING: Settings were not saved to config (use --save flag)\n')),
    ).toBeUndefined();
    expect(
      vzctlError(failure('start', 0, 'WARNING: You are using a deprecated CLI component\n')),
    ).toBeUndefined();
    expect(vzctlError(failure('start', 0, ''))).toBeUndefined();
  });

  it('uses the name asked for when 131 has no conflict line', () => {
    const err = vzctlError(failure('create', 131, 'something else', { name: 'shop' }));
    expect(err?.userMessage).toBe('The name shop is already used by another container.');
  });

  it('names the template from the message when the caller did not', () => {
    const err = vzctlError(
      failure('create', 91, 'Cached OS template /vz/template/cache/foo-1.tar.gz not found'),
    );
    expect(err?.userMessage).toMatch(/^OS template foo-1 is not installed/);
  });

  it('reports a sample-config 82 as HYPERVISOR, an existing snapshot id as ALREADY_EXISTS', () => {
    const cfg = 'Sample config /etc/vz/conf/ve-x.conf-sample not found: No such file or directory';
    expect(vzctlError(failure('create', 82, cfg))?.code).toBe('HYPERVISOR');
    const dup =
      'Invalid guid {d9a2aa1f-f6e8-cf69-cb9c-37585dd2c0fc} specified: already exists\nFailed to create snapshot';
    expect(vzctlError(failure('snapshot', 156, dup))?.code).toBe('ALREADY_EXISTS');
    expect(vzctlError(failure('snapshot', 156, 'Failed to create snapshot'))?.code).toBe('HYPERVISOR');
    expect(vzctlError(failure('snapshot-delete', 158, 'Failed to delete snapshot {x}'))?.code).toBe(
      'HYPERVISOR',
    );
  });

  it('maps anything else to HYPERVISOR with the action, exit code and first real stderr line', () => {
    const stderr = 'WARNING: something harmless\nUnable to lock container\n';
    const err = vzctlError(failure('start', 3, stderr));
    expect(err?.code).toBe('HYPERVISOR');
    expect(err?.userMessage).toBe('vzctl start failed for CT 101 (exit 3): Unable to lock container');
    expect(err?.detail).toBe(stderr.trim());
  });
});

describe('firstErrorLine', () => {
  it('skips warnings and lock holder lines, falls back to stdout', () => {
    expect(firstErrorLine('Locked by: pid 1, cmdline x\nContainer already locked\n')).toBe(
      'Container already locked',
    );
    expect(firstErrorLine('', 'Container is currently running. Stop it first.\n')).toBe(
      'Container is currently running. Stop it first.',
    );
    expect(firstErrorLine('')).toBe('');
  });
});
