/**
 * Overcommit as text for chat (`/vps capacity`): one line per resource with a bar that keeps
 * counting past 100%, the amounts, the level and the policy that set it. Slack and terminal alike.
 */

import {
  formatRatio,
  type Level,
  RESOURCE_LABEL,
  type ResourceLevel,
  worstLevel,
} from '../../model/overcommit.js';
import { formatSize } from '../../model/units.js';
import type { CapacityRow } from '../../model/view.js';
import { escapeMrkdwn, progressBar } from './blocks.js';
import { ageText, hostState } from './messages.js';

const LEVEL_ICON: Record<Level, string> = { ok: '🟢', warning: '🟡', critical: '🔴' };

/** `▓▓▓▓▓░░░░░ 50%`; past 1.00x the bar is full and the percentage keeps going (`132%`). */
export function ratioBar(l: Pick<ResourceLevel, 'used' | 'total'>): string {
  if (l.total <= 0) return l.used > 0 ? 'host reports no capacity' : '—';
  const pct = (l.used / l.total) * 100;
  return pct <= 100 ? progressBar(pct) : `${'▓'.repeat(10)} ${Math.round(pct)}%`;
}

function amounts(l: ResourceLevel): string {
  if (l.resource === 'cpu') return `${l.used} / ${l.total} vCPU`;
  return `${formatSize(l.used)} / ${formatSize(l.total)}`;
}

/** `RAM ▓▓▓▓▓▓▓▓▓▓ 132% 42G / 32G · critical (policy warn 1.00x, critical 1.20x)`. */
export function capacityLine(l: ResourceLevel): string {
  const label = l.resource === 'disk' ? 'Disk' : RESOURCE_LABEL[l.resource];
  const policy = `policy warn ${formatRatio(l.policy.warn)}, critical ${formatRatio(l.policy.critical)}`;
  return `${label} ${ratioBar(l)} ${amounts(l)} · ${l.level} (${policy})`;
}

/** What `/vps capacity` says about one host. */
export type CapacityHost = CapacityRow;

/** The title line and one line per resource of a host, or why there are none. */
export function hostCapacityText(h: CapacityHost, now: number): string {
  const v = h.view;
  const name = `*${escapeMrkdwn(v.name)}* · ${escapeMrkdwn(h.kind)} · group ${escapeMrkdwn(h.group)}`;
  if (!h.levels) return `${name} · ${hostState(v, now)}\ncapacity unknown until its worker registers`;
  const worst = worstLevel(h.levels);
  const over = h.levels.filter((l) => l.level === worst).map((l) => RESOURCE_LABEL[l.resource]);
  const title = `${name} · ${LEVEL_ICON[worst]} ${worst}${worst === 'ok' ? '' : `: ${over.join(', ')}`}`;
  const lines = [title, ...h.levels.map(capacityLine)];
  // Figures a silent host last reported may be out of date: say how old they are.
  if (!v.inventory) lines.push('no inventory yet: counted as no guests');
  else if (v.lastBeat === undefined)
    lines.push(`not reporting; figures as of ${ageText(v.inventory.at, now)}`);
  return lines.join('\n');
}
