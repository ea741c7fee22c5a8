import type { Guest, GuestState } from '../../model/hypervisor.js';
import { formatDuration, formatSize } from '../../model/units.js';
import type { HostView } from '../../store/fleet.js';
import type { GuestNotice } from '../../store/notify.js';
import { type Block, context, escapeMrkdwn, fieldsOnly, header, section } from './blocks.js';

const STATE_ICON: Record<GuestState, string> = {
  running: '🟢',
  stopped: '⚪',
  paused: '🟡',
  crashed: '🔴',
  unknown: '❔',
};

export function stateLabel(state: GuestState, reason?: string): string {
  return `${STATE_ICON[state]} ${state}${reason && reason !== state ? ` (${reason})` : ''}`;
}

/** One line per guest: name, id, state, size, address. */
export function guestLine(g: Guest, host?: string): string {
  const id = g.id !== g.name ? ` \`${g.id}\`` : '';
  const at = host ? ` on ${host}` : '';
  const cpus = g.vcpus ? `${g.vcpus} vCPU` : 'all CPUs';
  const ip = g.ips.length ? ` · ${g.ips.join(', ')}` : '';
  return `*${escapeMrkdwn(g.name)}*${id}${at} · ${stateLabel(g.state, g.stateReason)} · ${cpus} · ${formatSize(g.memoryBytes)} RAM · ${formatSize(g.diskBytes)} disk${ip}`;
}

export function ageText(at: number, now: number): string {
  return `${formatDuration(Math.max(0, now - at))} ago`;
}

/** The status card of one guest. */
export function guestCard(g: Guest, host: string, seenAt: number, now: number, live: boolean): Block[] {
  return [
    header(`${g.name}${g.id !== g.name ? ` (${g.id})` : ''} on ${host}`),
    fieldsOnly([
      `*State*\n${stateLabel(g.state, g.stateReason)}`,
      `*vCPUs*\n${g.vcpus || 'all host CPUs'}`,
      `*Memory*\n${formatSize(g.memoryBytes)}`,
      `*Disk*\n${formatSize(g.diskBytes)}`,
      `*IP*\n${g.ips.join(', ') || '—'}`,
      `*Template*\n${g.template ?? '—'}`,
      ...(g.hostname ? [`*Hostname*\n${escapeMrkdwn(g.hostname)}`] : []),
    ]),
    context(live ? 'asked the host just now' : `as of ${ageText(seenAt, now)} · refresh=yes asks the host`),
  ];
}

/** Whether a host's worker is reporting, and since when it is not. */
export function hostState(v: HostView, now: number): string {
  if (v.lastBeat !== undefined) return '🟢 up';
  if (v.lastSeen !== undefined)
    return `🔴 not reporting since ${new Date(v.lastSeen).toISOString()} (${ageText(v.lastSeen, now)})`;
  if (v.registration) return '🔴 not reporting';
  return '⚪ never seen (no worker has started for it)';
}

export function hostBlocks(v: HostView, kind: string, group: string, now: number): Block[] {
  const reg = v.registration;
  const guests = v.inventory?.guests ?? [];
  const running = guests.filter((g) => g.state === 'running').length;
  const fields = [
    `*State*\n${hostState(v, now)}`,
    `*Kind*\n${kind} · group ${group}`,
    `*Guests*\n${running} running / ${guests.length}`,
  ];
  if (reg) {
    const c = reg.capacity;
    fields.push(
      `*Capacity*\n${c.cpus} CPUs · ${formatSize(c.memoryBytes)} RAM · ${formatSize(c.diskBytes)} disk`,
    );
    const versions = Object.entries(reg.versions).map(([k, val]) => `${k} ${val}`);
    if (versions.length) fields.push(`*Software*\n${versions.join(', ')}`);
  }
  const seen = v.lastBeat !== undefined ? `heartbeat ${ageText(v.lastBeat, now)}` : 'no heartbeat';
  return [section(`*${v.name}*`, fields), context(seen)];
}

/** One line about a guest that changed state without an operation of ours (crash, out-of-band stop). */
export function guestNoticeText(n: GuestNotice): string {
  const what = n.event === 'crashed' ? 'crashed' : `${n.event} without any operation of ours asking for it`;
  const label = n.guestName !== n.guestId ? `${n.guestName} (${n.guestId})` : n.guestName;
  return `⚠️ ${n.host}: ${label} ${what}${n.reason ? ` (${n.reason})` : ''} at ${new Date(n.at).toISOString()}`;
}
