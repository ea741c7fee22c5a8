import { describe, expect, it } from 'vitest';
import { type ErrorContext, libvirtError, virshError } from '../../../../src/drivers/kvm/errors.js';
import { codeFromMessage, VIR_ERR } from '../../../../src/drivers/kvm/libvirt-codes.js';
import type { ErrorCode } from '../../../../src/model/errors.js';
import { fixture } from './fixtures.js';

const fromVirsh = (file: string, ctx: ErrorContext) => {
  const stderr = fixture(file);
  const err = virshError({ exitCode: 1, stderr }, ctx);
  if (!err) throw new Error('expected an error');
  // What a user sees is ours; what libvirt said stays in the detail for the thread and the log.
  expect(err.userMessage).not.toMatch(/^error:/);
  expect(err.detail).toBe(stderr.trim());
  return err;
};

describe('virsh stderr captured from libvirt 9.0 → one sentence', () => {
  const cases: [string, ErrorContext, ErrorCode, string][] = [
    [
      'no-domain',
      { action: 'start', guest: 'nosuch' },
      'GUEST_NOT_FOUND',
      'Guest nosuch does not exist on this host.',
    ],
    [
      'already-active',
      { action: 'start', guest: 'test' },
      'ALREADY_RUNNING',
      'Guest test is already running.',
    ],
    [
      'not-running-invalid',
      { action: 'suspend', guest: 'db-1' },
      'NOT_RUNNING',
      'Guest db-1 is not running, so it cannot be suspended.',
    ],
    [
      'not-running-internal',
      { action: 'shutdown', guest: 'test' },
      'NOT_RUNNING',
      'Guest test is not running, so there is nothing to shut down.',
    ],
    [
      'destroy-not-running',
      { action: 'powerOff', guest: 'test' },
      'NOT_RUNNING',
      'Guest test is already stopped.',
    ],
    [
      'already-running-resume',
      { action: 'resume', guest: 'web-1' },
      'ALREADY_RUNNING',
      'Guest web-1 is already running, so there is nothing to resume.',
    ],
    [
      'not-paused-internal',
      { action: 'resume', guest: 'test' },
      'ALREADY_RUNNING',
      'Guest test is not paused, so there is nothing to resume.',
    ],
    [
      'snapshot-not-found',
      { action: 'snapshotRevert', guest: 'test', snapshot: 'nosnap' },
      'SNAPSHOT_NOT_FOUND',
      'Guest test has no snapshot named nosnap.',
    ],
    [
      'snapshot-exists',
      { action: 'snapshotCreate', guest: 'test', snapshot: 's1' },
      'ALREADY_EXISTS',
      'Guest test already has a snapshot named s1.',
    ],
    [
      'no-current-snapshot',
      { action: 'snapshotList', guest: 'test' },
      'SNAPSHOT_NOT_FOUND',
      'Guest test has no current snapshot.',
    ],
    [
      'no-support',
      { action: 'reboot', guest: 'test' },
      'UNSUPPORTED',
      "This host's libvirt cannot reboot guest test.",
    ],
    ['stats-unsupported', { action: 'list' }, 'UNSUPPORTED', "This host's libvirt cannot list the guests."],
    [
      'internal-snapshot-raw',
      { action: 'snapshotCreate', guest: 'web-1', snapshot: 's1' },
      'UNSUPPORTED',
      'Guest web-1 cannot be snapshotted: its disk format has no snapshots (use qcow2).',
    ],
    [
      'setvcpus-too-many',
      { action: 'resize', guest: 'web-1' },
      'BAD_INPUT',
      'Guest web-1 cannot get more vCPUs than the maximum of 2 it was created with.',
    ],
    [
      'setmem-too-much',
      { action: 'resize', guest: 'web-1' },
      'BAD_INPUT',
      'Guest web-1 cannot get more memory than the maximum it was created with.',
    ],
    [
      'define-exists',
      { action: 'create', guest: 'web-1' },
      'ALREADY_EXISTS',
      'A guest named web-1 already exists on this host.',
    ],
  ];

  it.each(cases)('%s', (file, ctx, code, sentence) => {
    const err = fromVirsh(`stderr/${file}.txt`, ctx);
    expect(err.code).toBe(code);
    expect(err.userMessage).toBe(sentence);
    expect(err.retryable).toBe(false);
  });

  it('names the URI and allows a retry when libvirtd cannot be reached or went away', () => {
    const uri = 'test+unix:///default?socket=/nonexistent/libvirt-sock';
    const down = fromVirsh('stderr/connect-socket.txt', { action: 'list', uri });
    expect(down).toMatchObject({ code: 'HYPERVISOR', retryable: true });
    expect(down.userMessage).toBe(`Cannot reach libvirtd at ${uri}, so vpsops could not list the guests.`);
    const died = fromVirsh('events-daemon-died-stderr.txt', { action: 'watch', uri: 'qemu:///session' });
    expect(died).toMatchObject({ code: 'HYPERVISOR', retryable: true });
    expect(died.userMessage).toMatch(/^Cannot reach libvirtd at qemu:\/\/\/session/);
  });

  it('tells a wrong URI apart from a daemon that is down: no retry, check the config', () => {
    const err = fromVirsh('stderr/connect-no-driver.txt', { action: 'connect', uri: 'bogus:///x' });
    expect(err).toMatchObject({ code: 'HYPERVISOR', retryable: false });
    expect(err.userMessage).toBe('libvirt has no driver for bogus:///x; check kvm.uri in the config.');
  });

  it('reads the older two-line "failed to get domain" form and takes the guest from the text', () => {
    const stderr =
      "error: failed to get domain 'ghost'\nerror: Domain not found: no domain with matching name 'ghost'\n";
    expect(virshError({ exitCode: 1, stderr }, { action: 'start' })?.userMessage).toBe(
      'Guest ghost does not exist on this host.',
    );
  });

  it('is no error at exit 0, and still one sentence when virsh said nothing', () => {
    expect(virshError({ exitCode: 0, stderr: '' }, { action: 'start', guest: 'x' })).toBeUndefined();
    const silent = virshError({ exitCode: 1, stderr: '' }, { action: 'start', guest: 'x' });
    expect(silent?.userMessage).toBe('Could not start guest x: virsh exited with code 1.');
    expect(silent?.detail).toBe('virsh exited with code 1');
  });
});

describe('binding errors ({ code, message }) → one sentence', () => {
  const cases: [number | undefined, string, ErrorContext, ErrorCode, string][] = [
    [
      42,
      "Domain not found: no domain with matching name 'ghost'",
      { action: 'start' },
      'GUEST_NOT_FOUND',
      'Guest ghost does not exist on this host.',
    ],
    [
      55,
      'Requested operation is not valid: domain is not running',
      { action: 'reboot', guest: 'web-1' },
      'NOT_RUNNING',
      'Guest web-1 is not running, so it cannot be rebooted; start it instead.',
    ],
    [
      undefined,
      'Requested operation is not valid: domain is already running',
      { action: 'start', guest: 'web-1' },
      'ALREADY_RUNNING',
      'Guest web-1 is already running.',
    ],
    [
      55,
      'Requested operation is not valid: domain has active block job',
      { action: 'snapshotCreate', guest: 'web-1' },
      'HYPERVISOR',
      'Guest web-1 cannot be snapshotted in its current state: domain has active block job.',
    ],
    [
      72,
      "Domain snapshot not found: no domain snapshot with matching name 'x'",
      { action: 'snapshotDelete', guest: 'web-1' },
      'SNAPSHOT_NOT_FOUND',
      'Guest web-1 has no snapshot named x.',
    ],
    [
      28,
      "domain 'web-1' exists already",
      { action: 'create', guest: 'web-1' },
      'ALREADY_EXISTS',
      'A guest named web-1 already exists on this host.',
    ],
    [
      84,
      'Operation not supported: live vcpu hotplug',
      { action: 'resize', guest: 'web-1' },
      'UNSUPPORTED',
      "This host's libvirt cannot resize guest web-1.",
    ],
    [
      3,
      'this function is not supported by the connection driver: virDomainReboot',
      { action: 'reboot', guest: 'w' },
      'UNSUPPORTED',
      "This host's libvirt cannot reboot guest w.",
    ],
    [
      68,
      'Timed out during operation: cannot acquire state change lock (held by monitor=remoteDispatchDomainSuspend)',
      { action: 'shutdown', guest: 'web-1' },
      'LOCKED',
      'Guest web-1 is busy with another libvirt operation; try again in a moment.',
    ],
    [
      68,
      'Timed out during operation: guest agent timeout',
      { action: 'shutdown', guest: 'web-1' },
      'TIMEOUT',
      'libvirt timed out while trying to shut down guest web-1.',
    ],
    [
      1,
      "internal error: process exited while connecting to monitor: qemu-system-x86_64: cannot set up guest memory 'pc.ram': Cannot allocate memory",
      { action: 'start', guest: 'big-1' },
      'RESOURCES',
      'The host lacks free memory to start guest big-1.',
    ],
    [
      38,
      "unable to write '/var/lib/vpsops/images/x.qcow2': No space left on device",
      { action: 'create', guest: 'x' },
      'NO_SPACE',
      'The host ran out of disk space while trying to create guest x.',
    ],
    [
      78,
      'operation aborted: job canceled by client',
      { action: 'create', guest: 'x' },
      'CANCELLED',
      'The attempt to create guest x was cancelled.',
    ],
    [
      1,
      'internal error: qemu unexpectedly closed the monitor: boom.',
      { action: 'start', guest: 'web-1' },
      'HYPERVISOR',
      'Could not start guest web-1: qemu unexpectedly closed the monitor: boom.',
    ],
  ];

  it.each(cases)('%s %s', (code, message, ctx, ours, sentence) => {
    const raw = code === undefined ? { message } : { code, message };
    const err = libvirtError(raw, ctx);
    expect(err.code).toBe(ours);
    expect(err.userMessage).toBe(sentence);
    expect(err.detail).toContain(message);
    expect(err.cause).toBe(raw);
  });

  it('keeps the libvirt number in the detail for the log', () => {
    const err = libvirtError(
      { code: 42, message: "Domain not found: no domain with matching name 'g'" },
      { action: 'start' },
    );
    expect(err.detail).toBe("libvirt error 42: Domain not found: no domain with matching name 'g'");
  });

  it('makes a dead socket a retryable HYPERVISOR error naming the URI', () => {
    for (const e of [
      { code: 38, message: 'Cannot recv data: Connection reset by peer' },
      { code: 1, message: 'internal error: client socket is closed' },
      {
        code: 38,
        message: "Failed to connect socket to '/var/run/libvirt/libvirt-sock': Connection refused",
      },
    ]) {
      const err = libvirtError(e, { action: 'list', uri: 'qemu:///system' });
      expect(err).toMatchObject({ code: 'HYPERVISOR', retryable: true });
      expect(err.userMessage).toBe(
        'Cannot reach libvirtd at qemu:///system, so vpsops could not list the guests.',
      );
    }
  });

  it('without a guest name anywhere, still says which action failed', () => {
    expect(libvirtError({ code: 42, message: 'Domain not found' }, { action: 'start' }).userMessage).toBe(
      'The guest does not exist on this host.',
    );
    expect(
      libvirtError({ code: 1, message: 'internal error: boom' }, { action: 'capacity' }).userMessage,
    ).toBe('Could not read the host capacity: boom.');
    expect(libvirtError({ code: 1, message: 'internal error: boom' }, { action: 'start' }).userMessage).toBe(
      'Could not start the guest: boom.',
    );
  });

  it('does not read an unrelated internal error as a state conflict', () => {
    const err = libvirtError(
      { code: 1, message: 'internal error: helper process is not running' },
      { action: 'start', guest: 'w' },
    );
    expect(err.code).toBe('HYPERVISOR');
  });

  it('refused access is a host setup problem, not worth a retry', () => {
    const err = libvirtError(
      { code: 88, message: "access denied: 'domain.write' denied" },
      { action: 'start', guest: 'w', uri: 'qemu:///system' },
    );
    expect(err).toMatchObject({ code: 'HYPERVISOR', retryable: false });
    expect(err.userMessage).toBe(
      "libvirtd at qemu:///system refused access; check the worker's libvirt permissions.",
    );
  });
});

describe('codeFromMessage', () => {
  it('recovers the virErrorNumber from the prefixes libvirt 9.0 prints', () => {
    expect(codeFromMessage('Requested operation is not valid: domain is not running')).toBe(
      VIR_ERR.OPERATION_INVALID,
    );
    expect(codeFromMessage("Domain not found: no domain with matching name 'x'")).toBe(VIR_ERR.NO_DOMAIN);
    expect(codeFromMessage('Domain snapshot not found: x')).toBe(VIR_ERR.NO_DOMAIN_SNAPSHOT);
    expect(codeFromMessage("domain 'x' exists already")).toBe(VIR_ERR.DOM_EXIST);
    expect(codeFromMessage('something else entirely')).toBeUndefined();
  });

  it('uses the numbers of include/libvirt/virterror.h', () => {
    expect(VIR_ERR).toMatchObject({
      INTERNAL_ERROR: 1,
      NO_SUPPORT: 3,
      NO_CONNECT: 5,
      DOM_EXIST: 28,
      SYSTEM_ERROR: 38,
      NO_DOMAIN: 42,
      OPERATION_INVALID: 55,
      OPERATION_TIMEOUT: 68,
      NO_DOMAIN_SNAPSHOT: 72,
      OPERATION_UNSUPPORTED: 84,
    });
  });
});
