/**
 * The alerts that notices from workers become: a guest that crashed or stopped when nobody asked,
 * a job that failed for good, a container that hit a beancounter limit. Each says what happened,
 * where and what it means; the manager decides when to raise them.
 */

import { type Alert, fingerprint } from '../../model/alert.js';
import type { GuestNotice, JobNotice, PressureNotice } from '../../store/notify.js';

/** What a growing failcnt means for the container, per beancounter (contract §5). */
const PRESSURE_MEANS: Readonly<Record<string, string>> = {
  physpages: 'the container was refused memory and is being swapped',
  privvmpages: 'memory allocations in the container were refused',
  oomguarpages: 'processes in the container may have been killed for lack of memory',
  kmemsize: 'kernel memory allocations for the container were refused',
  numproc: 'the container could not start more processes',
  numfile: 'the container could not open more files',
  numtcpsock: 'the container could not open more TCP sockets',
  numothersock: 'the container could not open more sockets',
};

/** `web-1 (101)`, or just the name when it is the id. */
export function guestLabel(n: { guestName: string; guestId: string }): string {
  return n.guestName !== n.guestId ? `${n.guestName} (${n.guestId})` : n.guestName;
}

/** A guest that died: critical, with its reason when the hypervisor gave one. */
export function crashAlert(n: GuestNotice, group: string): Alert {
  const label = guestLabel(n);
  return {
    fingerprint: fingerprint('crash', n.host, n.guestId),
    kind: 'crash',
    severity: 'critical',
    host: n.host,
    guest: n.guestName,
    group,
    title: `${label} crashed on ${n.host}`,
    text: `${label} on ${n.host} crashed at ${new Date(n.at).toISOString()}${n.reason ? ` (${n.reason})` : ''}. Nobody asked it to stop.`,
  };
}

/** A guest someone stopped on the host or inside the guest (KVM tells that from a crash). */
export function stoppedAlert(n: GuestNotice, group: string): Alert {
  const label = guestLabel(n);
  return {
    fingerprint: fingerprint('stopped', n.host, n.guestId),
    kind: 'stopped',
    severity: 'warning',
    host: n.host,
    guest: n.guestName,
    group,
    title: `${label} stopped on ${n.host} without an operation of ours`,
    text: `${label} on ${n.host} stopped at ${new Date(n.at).toISOString()} without any vpsops operation asking for it: someone on the host, or the guest itself.`,
  };
}

/** A job that failed after its retries. */
export function jobFailedAlert(n: JobNotice, targetLabel: string, group: string): Alert {
  return {
    fingerprint: fingerprint('job-failed', n.host, n.requestId),
    kind: 'job-failed',
    severity: 'warning',
    host: n.host,
    group,
    title: `${n.op} ${targetLabel} failed on ${n.host}`,
    text: `Job ${n.requestId} (${n.op} ${targetLabel}, asked by ${n.user}) failed: ${n.error?.message ?? 'unknown error'}`,
  };
}

/** A container's fail counter grew: one warning per container and resource. */
export function pressureAlert(n: PressureNotice, group: string): Alert {
  const label = guestLabel(n);
  const means = PRESSURE_MEANS[n.resource] ?? `the container was refused ${n.resource}`;
  return {
    fingerprint: fingerprint('pressure', n.host, `${n.guestId}:${n.resource}`),
    kind: 'pressure',
    severity: 'warning',
    host: n.host,
    guest: n.guestName,
    group,
    title: `${label} on ${n.host} hit its ${n.resource} limit`,
    text: `${label} on ${n.host}: ${n.resource} failcnt grew by ${n.grewBy} to ${n.failcnt} since the last check: ${means}.`,
    details: { Resource: n.resource, Failcnt: String(n.failcnt) },
  };
}
